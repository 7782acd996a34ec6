public import Logging
import Prometheus

/// `controld serve`: checks its inputs, sets up logging and metrics, and runs the
/// service group until a signal stops it.
public enum Serve {
    /// Runs until SIGTERM or SIGINT, then returns normally.
    ///
    /// Throws ``StartupError`` when a config directory is unusable or the
    /// monitoring address cannot be bound.
    public static func run(_ configuration: ServeConfiguration) async throws {
        // `./mesh` is the default source only when no source at all is named.
        let directories =
            configuration.kubernetes != nil && configuration.configDirectories.isEmpty
            ? [] : try ConfigDirectories.resolve(configuration.configDirectories)
        let registry = PrometheusCollectorRegistry()
        ProcessBootstrap.bootstrap(level: configuration.logLevel, format: configuration.logFormat, registry: registry)

        let logger = Logger(label: "serve")
        logger.info(
            "starting controld",
            metadata: [
                "version": .string(ControldVersion.version),
                "monitoringAddr": .string(configuration.monitoringAddress.description),
                "configDirs": .string(directories.joined(separator: ",")),
            ])
        let group = try await ServeGroup.make(
            configuration: configuration, directories: directories, registry: registry, logger: logger)
        try await group.run()
        logger.info("stopped")
    }
}
