import ArgumentParser
import Daemon
import Foundation

/// `controld proxy-config KIND PROXY_ID`: what controld sent one proxy, as a table
/// with `istioctl proxy-config`'s columns or, with `-o json`, as JSON.
struct ProxyConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "proxy-config",
        abstract: "Show the clusters, listeners, routes, endpoints or secrets sent to one proxy."
    )

    @Argument(help: ArgumentHelp("clusters, listeners, routes, endpoints or secrets.", valueName: "kind"))
    var kind: ProxyConfigKind

    @Argument(help: ArgumentHelp("The proxy's node id, as proxy-status lists it.", valueName: "proxy-id"))
    var proxyID: String

    @OptionGroup var monitoring: MonitoringAddressOption

    @Option(name: [.customShort("o"), .customLong("output")], help: "short (a table) or json.")
    var output: OutputFormat = .short

    enum OutputFormat: String, ExpressibleByArgument {
        case short, json
    }

    func run() async throws {
        let client = MonitoringClient(address: try monitoring.hostPort())
        let path = "/debug/config_dump?proxyID=\(URLQueryEncoding.component(proxyID))"
        let dump = try ConfigDumpReader(try await client.get(path))
        switch output {
        case .json: print(try dump.json(kind))
        case .short: print(try dump.table(kind).rendered, terminator: "")
        }
    }
}

extension ProxyConfigKind: ExpressibleByArgument {
    public init?(argument: String) {
        self.init(kind: argument)
    }

    public static var allValueStrings: [String] { allCases.map(\.rawValue) }
}

/// Node ids hold `~` and `.`, safe in a query, but a user may pass anything.
enum URLQueryEncoding {
    static func component(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
