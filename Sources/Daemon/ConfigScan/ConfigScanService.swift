public import Logging
public import ServiceLifecycle

/// Runs the initial scan of every `--config-dir`, logs what it found, and marks
/// each directory synced in ``Readiness``.
///
/// Returns when done; the serve group treats that as success, not as a reason to stop.
public struct ConfigScanService: Service {
    private let directories: [String]
    private let readiness: Readiness
    private let logger: Logger

    /// The readiness source name for a directory.
    public static func sourceName(directory: String) -> String { "config-dir \(directory)" }

    public init(directories: [String], readiness: Readiness, logger: Logger) {
        self.directories = directories
        self.readiness = readiness
        self.logger = logger
    }

    public func run() async throws {
        for directory in directories {
            try Task.checkCancellation()
            let report = ConfigDirectoryScan.scan(directory: directory)
            for finding in report.findings {
                logger.warning("\(finding)")
            }
            let kinds = report.objectsByKind.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            logger.info(
                "scanned config directory",
                metadata: [
                    "dir": .string(directory),
                    "files": .stringConvertible(report.files),
                    "objects": .stringConvertible(report.objects),
                    "kinds": .string(kinds.joined(separator: ",")),
                    "problems": .stringConvertible(report.findings.count),
                ])
            readiness.markSynced(Self.sourceName(directory: directory))
        }
    }
}
