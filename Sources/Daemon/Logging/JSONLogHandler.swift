public import Logging

/// Writes each record as one JSON object per line:
/// `{"time":"…","level":"info","scope":"serve","msg":"…", …metadata}`.
///
/// The first four keys are fixed (Istio's JSON logs use the same ones) so log
/// collectors can index them; metadata keys follow, sorted, and a metadata key that
/// would shadow one of them is written with a `meta.` prefix.
public struct JSONLogHandler: LogHandler {
    /// The logger's label, written as `scope`.
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

    static let reservedKeys: Set<String> = ["time", "level", "scope", "msg", "error"]

    func render(_ event: LogEvent, time: String) -> String {
        var out = "{"
        JSONText.appendMember("time", .string(time), to: &out, first: true)
        JSONText.appendMember("level", .string(event.level.rawValue), to: &out)
        JSONText.appendMember("scope", .string(label), to: &out)
        JSONText.appendMember("msg", .string(event.message.description), to: &out)
        if let error = event.error {
            JSONText.appendMember("error", .string(String(describing: error)), to: &out)
        }
        let merged = LogRecordFormatting.merged(handler: metadata, provider: metadataProvider, event: event.metadata)
        for key in merged.keys.sorted() {
            let name = Self.reservedKeys.contains(key) ? "meta.\(key)" : key
            JSONText.appendMember(name, merged[key]!, to: &out)
        }
        out.append("}")
        return out
    }
}

/// Minimal JSON writing for log records: strings escaped per RFC 8259, metadata
/// values mapped to strings, arrays and objects.
enum JSONText {
    static func appendMember(_ key: String, _ value: Logger.Metadata.Value, to out: inout String, first: Bool = false) {
        if !first { out.append(",") }
        appendString(key, to: &out)
        out.append(":")
        appendValue(value, to: &out)
    }

    static func appendValue(_ value: Logger.Metadata.Value, to out: inout String) {
        switch value {
        case .string(let text):
            appendString(text, to: &out)
        case .stringConvertible(let convertible):
            appendString(convertible.description, to: &out)
        case .array(let items):
            out.append("[")
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(",") }
                appendValue(item, to: &out)
            }
            out.append("]")
        case .dictionary(let members):
            out.append("{")
            for (index, key) in members.keys.sorted().enumerated() {
                appendMember(key, members[key]!, to: &out, first: index == 0)
            }
            out.append("}")
        }
    }

    static func appendString(_ text: String, to out: inout String) {
        out.append("\"")
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out.append("\\\"")
            case "\\": out.append("\\\\")
            case "\n": out.append("\\n")
            case "\r": out.append("\\r")
            case "\t": out.append("\\t")
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out.append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        out.append("\"")
    }
}
