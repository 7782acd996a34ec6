public import XDS

/// `controld proxy-config routes`: one row per route with istioctl's NAME,
/// VHOST NAME, DOMAINS, MATCH and VIRTUAL SERVICE.
public enum RouteTable {
    public static func make(_ configurations: [Envoy_Config_Route_V3_RouteConfiguration]) -> TextTable {
        var rows: [[String]] = []
        for configuration in configurations.sorted(by: { $0.name < $1.name }) {
            if configuration.virtualHosts.isEmpty {
                rows.append([configuration.name, "-", "-", "-", "-"])
            }
            for host in configuration.virtualHosts {
                let domains = host.domains.isEmpty ? "-" : host.domains.joined(separator: ",")
                if host.routes.isEmpty {
                    rows.append([configuration.name, host.name, domains, "-", "-"])
                }
                for route in host.routes {
                    rows.append([
                        configuration.name, host.name, domains, describe(route.match),
                        IstioMetadata.configName(route.metadata),
                    ])
                }
            }
        }
        return TextTable(
            header: ["NAME", "VHOST NAME", "DOMAINS", "MATCH", "VIRTUAL SERVICE"], rows: rows, padding: 5)
    }

    /// istioctl's summary of a route match: `/prefix*`, an exact path, or a regex.
    static func describe(_ match: Envoy_Config_Route_V3_RouteMatch) -> String {
        switch match.pathSpecifier {
        case .prefix(let prefix)?: "\(prefix)*"
        case .path(let path)?: path
        case .safeRegex(let regex)?: "regex \(regex.regex)"
        default: "-"
        }
    }
}
