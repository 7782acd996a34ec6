import ArgumentParser
import Foundation

/// `xds-load`: how the xDS server holds up under many proxies.
///
/// Starts the server as a child process (`xds-load server`) so its resident memory is
/// measured alone, opens N ADS streams as fake proxies over loopback, waits until all
/// have their endpoints, then times pushes: from the endpoint change to the last ACK.
@main
struct XDSLoadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "xds-load",
        abstract: "Open N fake proxies against the xDS server and time pushes to all of them.",
        subcommands: [Run.self, Server.self],
        defaultSubcommand: Run.self
    )

    struct Server: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The server side (started by run).")
        @Option var clusters = 100
        func run() async throws { try await LoadServer.run(clusters: clusters) }
    }

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run one load test and print a result row.")
        @Option(help: "Fake proxies to connect.") var connections = 100
        @Option(help: "Clusters in the synthetic mesh.") var clusters = 100
        @Option(help: "Pushes to time once everyone is connected.") var pushes = 5
        @Option(help: "Seconds to wait for all proxies to be in sync.") var connectTimeout = 600

        func run() async throws {
            try await LoadRun(connections: connections, clusters: clusters, pushes: pushes,
                              connectTimeout: .seconds(connectTimeout)).run()
        }
    }
}
