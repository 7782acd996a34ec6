import ArgumentParser
import Daemon

/// `controld serve`: run the control plane until SIGTERM or SIGINT.
///
/// Flag values are taken as strings and checked by ``ServeConfiguration`` so every
/// bad value is reported the same way: one line naming the flag, exit status 2.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the control plane."
    )

    @Option(
        name: .customLong("monitoring-addr"),
        help: ArgumentHelp("Address for /metrics, /ready and /healthz.", valueName: "host:port"))
    var monitoringAddress = ServeConfiguration.defaultMonitoringAddress

    @Option(
        name: .customLong("grpc-addr"),
        help: ArgumentHelp("Address for plaintext xDS (ADS and SDS).", valueName: "host:port"))
    var grpcAddress = ServeConfiguration.defaultGRPCAddress

    @Option(
        name: .customLong("config-dir"),
        help: ArgumentHelp(
            "Directory of mesh configuration (YAML or JSON); repeatable. Default: ./mesh if it exists.",
            valueName: "dir"))
    var configDirectories: [String] = []

    @Option(
        name: .customLong("log-level"),
        help: ArgumentHelp("One of trace, debug, info, notice, warning, error, critical.", valueName: "level"))
    var logLevel = "info"

    @Option(
        name: .customLong("log-format"),
        help: ArgumentHelp("text or json.", valueName: "format"))
    var logFormat = "text"

    func run() async throws {
        let configuration = try ServeConfiguration(
            monitoringAddress: monitoringAddress,
            grpcAddress: grpcAddress,
            configDirectories: configDirectories,
            logLevel: logLevel,
            logFormat: logFormat
        )
        try await Serve.run(configuration)
    }
}
