public import ControlPlane
public import Discovery
public import Logging
import ServiceLifecycle

/// Runs the Kubernetes source into the ConfigStore for as long as controld serves:
/// every kind controld uses, filtered by MeshConfig's `discoverySelectors`. It marks
/// itself synced in ``Readiness`` once every kind's first list is in. A kind whose CRD
/// is not installed counts as listed (empty) on its first 404, so a cluster without,
/// say, the Gateway API does not hold `/ready` at 503; it is logged, retried every
/// 30 s, and its objects arrive when it is installed. A kind that fails for another
/// reason (RBAC, an unreachable server) keeps `/ready` at 503 and is retried with backoff.
public struct KubernetesSourceService: ServiceLifecycle.Service {
    /// The kinds read from the cluster: every kind in ``ResourceKinds`` but Secrets,
    /// which would need cluster-wide read access to every Secret and which nothing
    /// translated reads yet.
    public static let kinds = KubernetesResourceType.defaultKinds

    private let source: KubernetesSource
    private let name: String
    private let store: ConfigStore
    private let readiness: Readiness
    private let logger: Logger

    public init(
        settings: KubernetesSettings,
        mesh: MeshConfig,
        store: ConfigStore,
        readiness: Readiness,
        options: KubernetesSourceOptions = KubernetesSourceOptions(),
        logger: Logger
    ) {
        let selectors = mesh.discoverySelectors ?? []
        self.source = KubernetesSource(
            connection: settings.connection,
            kinds: Self.kinds,
            namespaceSelector: selectors.isEmpty ? nil : KubernetesNamespaceSelector(selectors),
            options: options)
        self.name = settings.sourceName
        self.store = store
        self.readiness = readiness
        self.logger = logger
    }

    /// The services `controld serve` runs for `settings` (none without a cluster), to
    /// add to its service group.
    public static func services(
        _ settings: KubernetesSettings?,
        mesh: MeshConfig,
        store: ConfigStore,
        readiness: Readiness
    ) -> [ServiceGroupConfiguration.ServiceConfiguration] {
        guard let settings else { return [] }
        let service = KubernetesSourceService(
            settings: settings, mesh: mesh, store: store, readiness: readiness, logger: Logger(label: "config"))
        // It stops only on shutdown; if it ever ends, serving goes on.
        return [.init(service: service, successTerminationBehavior: .ignore, serviceName: "kubernetes")]
    }

    public func run() async throws {
        let name = name
        let server = source.connection.server
        let selectors = source.namespaceSelector?.selectors.count ?? 0
        logger.info(
            "reading kubernetes", metadata: ["server": .string(server), "discoverySelectors": "\(selectors)"])
        do {
            try await cancelWhenGracefulShutdown {
                try await source.run(
                    sink: { store.ingest($0, from: name) },
                    onSynced: {
                        let snapshot = store.snapshot
                        logger.info(
                            "kubernetes synced",
                            metadata: [
                                "server": .string(server),
                                "objects": .stringConvertible(
                                    snapshot.objects.values.filter { $0.source == name }.count),
                                "rejected": .stringConvertible(
                                    snapshot.rejections.values.filter { $0.source == name }.count),
                            ])
                        readiness.markSynced(name)
                    })
            }
        } catch is CancellationError where Task.isShuttingDownGracefully || Task.isCancelled {
        }
    }
}
