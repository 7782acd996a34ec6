public import Logging
import ServiceLifecycle

/// Runs a `NodeAgent` as the process's only service, until SIGTERM or SIGINT.
public enum AgentProcess {
    /// How long the agent gets to close its streams after a signal; below the 5 s
    /// that orchestrators and tests allow.
    public static let gracefulShutdownLimit: Duration = .seconds(3)

    /// Returns normally after a signal; throws the agent's error (an ``AgentError``
    /// for a socket that cannot be bound) otherwise.
    public static func run(_ agent: NodeAgent, logger: Logger) async throws {
        var configuration = ServiceGroupConfiguration(
            services: [.init(service: agent, serviceName: "agent")],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        )
        configuration.maximumGracefulShutdownDuration = gracefulShutdownLimit
        try await ServiceGroup(configuration: configuration).run()
    }
}
