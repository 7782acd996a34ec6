public import Logging

/// How log records are written to stderr.
public enum LogFormat: String, Sendable, CaseIterable {
    /// One tab-separated line per record, for people.
    case text
    /// One JSON object per line, for log collectors.
    case json

    /// Parses a `--log-format` value, throwing a usage error on anything else.
    public init(parsing text: String, flag: String = "--log-format") throws(StartupError) {
        guard let format = LogFormat(rawValue: text) else {
            throw StartupError(flag: flag, value: text, problem: "expected text or json", kind: .usage)
        }
        self = format
    }
}

extension Logger.Level {
    /// Parses a `--log-level` value (swift-log's level names), throwing a usage error
    /// that lists the accepted names.
    public init(parsing text: String, flag: String = "--log-level") throws(StartupError) {
        guard let level = Logger.Level(rawValue: text) else {
            let names = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
            throw StartupError(flag: flag, value: text, problem: "expected one of \(names)", kind: .usage)
        }
        self = level
    }
}
