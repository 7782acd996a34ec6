public import Discovery
public import Logging
import ServiceLifecycle

/// Runs one watched `--config-dir` into the ConfigStore for as long as controld serves,
/// marking the directory synced in ``Readiness`` once its first complete state is in.
public struct ConfigSourceService: ServiceLifecycle.Service {
    private let source: DirectorySource
    private let store: ConfigStore
    private let readiness: Readiness
    private let logger: Logger

    /// The readiness source name for a directory.
    public static func sourceName(directory: String) -> String { DirectorySource.name(root: directory) }

    public init(directory: String, store: ConfigStore, readiness: Readiness, logger: Logger) {
        self.source = DirectorySource(root: directory)
        self.store = store
        self.readiness = readiness
        self.logger = logger
    }

    public func run() async throws {
        let name = source.name
        let root = source.root
        // Watching stops by cancellation; on shutdown that is the expected way out,
        // not a failure that would turn exit status 0 into 1.
        do {
            try await watch(name: name, root: root)
        } catch is CancellationError where Task.isShuttingDownGracefully || Task.isCancelled {
        }
    }

    private func watch(name: String, root: String) async throws {
        try await cancelWhenGracefulShutdown {
            try await source.run { event in
                store.ingest(event, from: name)
                if case .replaceAll(_, let objects) = event {
                    let snapshot = store.snapshot
                    logger.info(
                        "loaded config directory",
                        metadata: [
                            "dir": .string(root),
                            "objects": .stringConvertible(objects.count),
                            "rejected": .stringConvertible(snapshot.rejections.values.filter { $0.source == name }.count),
                        ])
                    readiness.markSynced(name)
                }
            }
        }
    }
}
