import ControlPlane
import Discovery
public import Logging
public import Prometheus
public import ServiceLifecycle
import XDS

/// Assembles the services `controld serve` runs: the xDS server, the CA with its
/// secure port, the monitoring server and a watched source per config directory,
/// stopped gracefully on SIGTERM or SIGINT.
public enum ServeGroup {
    /// How long services get to finish after a signal before they are cancelled;
    /// below the 5 s that orchestrators and our tests allow.
    public static let gracefulShutdownLimit: Duration = .seconds(3)

    /// A service group for `configuration` serving `registry`, with readiness
    /// waiting on each of `directories` (already checked on disk). Loads or creates
    /// the CA first, so a bad `--ca-dir` fails before anything listens.
    public static func make(
        configuration: ServeConfiguration,
        directories: [String],
        registry: PrometheusCollectorRegistry,
        logger: Logger
    ) async throws(StartupError) -> ServiceGroup {
        BuildInfoMetrics.register(on: registry)
        let processMetrics = ProcessMetricsCollector(registry: registry)
        let readiness = Readiness(
            pendingSources: directories.map(ConfigSourceService.sourceName(directory:))
                + [configuration.kubernetes?.sourceName].compactMap { $0 })
        let store = ConfigStore(logger: Logger(label: "config"))
        // One server for the gRPC port and the debug endpoints, so syncz shows the
        // very streams the xDS port holds.
        let provider = PushController.makeProvider(settings: configuration.translation)
        let xdsServer = XDSServer(provider: provider, identifier: "controld-\(ControldVersion.version)")
        let pushController = PushController(
            store: store, server: xdsServer, provider: provider, settings: configuration.translation,
            logger: Logger(label: "push"))
        // The secure port serves the same xDS server next to the CA.
        let caServices = try await CAServices.make(
            settings: configuration.ca, xds: xdsServer, kubernetes: configuration.kubernetes,
            discoverySelectors: configuration.translation.mesh.discoverySelectors ?? [])
        let router = MonitoringRouter.build(
            registry: registry, processMetrics: processMetrics, readiness: readiness, xds: xdsServer, config: store,
            push: pushController)

        let monitoring = MonitoringServer(
            address: configuration.monitoringAddress,
            router: router,
            logger: Logger(label: "monitoring")
        )
        let xds = XDSService(
            address: configuration.grpcAddress,
            server: xdsServer,
            logger: Logger(label: "xds")
        )
        let sources = directories.map {
            ConfigSourceService(directory: $0, store: store, readiness: readiness, logger: Logger(label: "config"))
        }

        var groupConfiguration = ServiceGroupConfiguration(
            services: [
                .init(service: monitoring, serviceName: "monitoring"),
                // A bind failure stops the others gently, so the one-line error stands alone.
                .init(service: xds, failureTerminationBehavior: .gracefullyShutdownGroup, serviceName: "xds"),
                .init(service: PushControllerService(controller: pushController), serviceName: "push"),
            ] + caServices
                + sources.map {
                    // A source stops only on shutdown; if it ever ends, serving goes on.
                    .init(service: $0, successTerminationBehavior: .ignore, serviceName: "config-dir")
                }
                + KubernetesSourceService.services(
                    configuration.kubernetes, mesh: configuration.translation.mesh, store: store, readiness: readiness),
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        )
        groupConfiguration.maximumGracefulShutdownDuration = gracefulShutdownLimit
        return ServiceGroup(configuration: groupConfiguration)
    }
}
