public import Logging
public import Prometheus
public import ServiceLifecycle
import XDS

/// Assembles the services `controld serve` runs: the xDS server, the monitoring
/// server and the initial config scan, stopped gracefully on SIGTERM or SIGINT.
public enum ServeGroup {
    /// How long services get to finish after a signal before they are cancelled;
    /// below the 5 s that orchestrators and our tests allow.
    public static let gracefulShutdownLimit: Duration = .seconds(3)

    /// A service group for `configuration` serving `registry`, with readiness
    /// waiting on each of `directories` (already checked on disk).
    public static func make(
        configuration: ServeConfiguration,
        directories: [String],
        registry: PrometheusCollectorRegistry,
        logger: Logger
    ) -> ServiceGroup {
        BuildInfoMetrics.register(on: registry)
        let processMetrics = ProcessMetricsCollector(registry: registry)
        let readiness = Readiness(pendingSources: directories.map(ConfigScanService.sourceName(directory:)))
        let router = MonitoringRouter.build(
            registry: registry, processMetrics: processMetrics, readiness: readiness)

        let monitoring = MonitoringServer(
            address: configuration.monitoringAddress,
            router: router,
            logger: Logger(label: "monitoring")
        )
        let xds = XDSService(
            address: configuration.grpcAddress,
            server: XDSServer(provider: EmptyMeshProvider(), identifier: "controld-\(ControldVersion.version)"),
            logger: Logger(label: "xds")
        )
        let scan = ConfigScanService(directories: directories, readiness: readiness, logger: Logger(label: "config"))

        var groupConfiguration = ServiceGroupConfiguration(
            services: [
                .init(service: monitoring, serviceName: "monitoring"),
                // A bind failure stops the others gently, so the one-line error stands alone.
                .init(service: xds, failureTerminationBehavior: .gracefullyShutdownGroup, serviceName: "xds"),
                // The scan finishing is its success, not a reason to stop serving.
                .init(service: scan, successTerminationBehavior: .ignore, serviceName: "config-scan"),
            ],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        )
        groupConfiguration.maximumGracefulShutdownDuration = gracefulShutdownLimit
        return ServiceGroup(configuration: groupConfiguration)
    }
}
