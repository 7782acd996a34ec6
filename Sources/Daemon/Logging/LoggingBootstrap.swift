public import Logging

/// Installs controld's log handlers process-wide.
public enum LoggingBootstrap {
    /// Makes every `Logger` write `format` records at `level` and above to stderr.
    /// swift-log allows this once per process; `controld serve` calls it at start.
    public static func bootstrap(level: Logger.Level, format: LogFormat) {
        let writer = StandardErrorLogWriter()
        LoggingSystem.bootstrap { label in
            makeHandler(label: label, level: level, format: format, writer: writer)
        }
    }

    /// A handler for `label` in `format`, writing through `writer`.
    public static func makeHandler(
        label: String,
        level: Logger.Level,
        format: LogFormat,
        writer: any LogLineWriter
    ) -> any LogHandler {
        switch format {
        case .text: TextLogHandler(label: label, level: level, writer: writer)
        case .json: JSONLogHandler(label: label, level: level, writer: writer)
        }
    }
}
