import ArgumentParser
import Daemon

/// `controld proxy-status`: each connected proxy and whether it holds the latest
/// clusters, listeners, endpoints and routes, as `istioctl proxy-status` prints it.
struct ProxyStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "proxy-status",
        abstract: "Show each connected proxy's xDS sync state (SYNCED, STALE, NACKED, NOT SENT)."
    )

    @OptionGroup var monitoring: MonitoringAddressOption

    func run() async throws {
        let client = MonitoringClient(address: try monitoring.hostPort())
        let body = try await client.get("/debug/syncz")
        guard let statuses = try? SyncStatusJSON.decode(body) else {
            throw InspectError("\(monitoring.address) answered /debug/syncz with something other than sync status")
        }
        print(ProxyStatusTable.make(statuses).rendered, terminator: "")
    }
}

/// `--addr`: where controld's monitoring port answers.
struct MonitoringAddressOption: ParsableArguments {
    @Option(
        name: .customLong("addr"),
        help: ArgumentHelp("controld's monitoring address.", valueName: "host:port"))
    var address = "127.0.0.1:15014"

    func hostPort() throws(StartupError) -> HostPort {
        try HostPort(parsing: address, flag: "--addr")
    }
}
