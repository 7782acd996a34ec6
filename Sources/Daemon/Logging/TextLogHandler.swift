public import Logging

/// Writes each record as one compact line:
/// `2025-01-31T12:00:00.123Z<TAB>info<TAB>serve<TAB>message key=value …`.
///
/// The layout follows Istio's text logs (time, level, scope, message) so people
/// used to reading istiod's output read ours the same way.
public struct TextLogHandler: LogHandler {
    /// The logger's label, written as the scope column.
    public let label: String
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let writer: any LogLineWriter

    public init(
        label: String,
        level: Logger.Level,
        writer: any LogLineWriter,
        metadataProvider: Logger.MetadataProvider? = nil
    ) {
        self.label = label
        self.logLevel = level
        self.writer = writer
        self.metadataProvider = metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        writer.write(line: render(event, time: LogRecordFormatting.currentTimestamp()))
    }

    func render(_ event: LogEvent, time: String) -> String {
        var line = "\(time)\t\(event.level.rawValue)\t\(label)\t\(event.message)"
        if let error = event.error {
            line += " error=\(quoted(String(describing: error)))"
        }
        let merged = LogRecordFormatting.merged(handler: metadata, provider: metadataProvider, event: event.metadata)
        for key in merged.keys.sorted() {
            line += " \(key)=\(quoted(merged[key]!.description))"
        }
        return line
    }

    /// Quotes values that would otherwise be ambiguous in a `key=value` list.
    private func quoted(_ value: String) -> String {
        let plain = !value.isEmpty && !value.contains { $0.isWhitespace || $0 == "\"" || $0 == "=" }
        guard !plain else { return value }
        var out = ""
        JSONText.appendString(value, to: &out)
        return out
    }
}
