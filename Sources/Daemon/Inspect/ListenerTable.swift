import SwiftProtobuf
public import XDS

/// `controld proxy-config listeners`: one row per filter chain with istioctl's
/// ADDRESSES, PORT, MATCH and DESTINATION.
public enum ListenerTable {
    static let httpConnectionManager =
        "type.googleapis.com/\(Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_HttpConnectionManager.protoMessageName)"
    static let tcpProxy = "type.googleapis.com/\(Envoy_Extensions_Filters_Network_TcpProxy_V3_TcpProxy.protoMessageName)"

    public static func make(_ listeners: [Envoy_Config_Listener_V3_Listener]) -> TextTable {
        let sorted = listeners.sorted {
            let left = $0.address.socketAddress, right = $1.address.socketAddress
            return (left.portValue, left.address, $0.name) < (right.portValue, right.address, $1.name)
        }
        var rows: [[String]] = []
        for listener in sorted {
            let addresses = ([listener.address] + listener.additionalAddresses.map(\.address))
                .map(\.socketAddress.address).filter { !$0.isEmpty }
            let address = addresses.isEmpty ? "-" : addresses.joined(separator: ",")
            let port = String(listener.address.socketAddress.portValue)
            var chains = listener.filterChains
            if listener.hasDefaultFilterChain { chains.append(listener.defaultFilterChain) }
            // istioctl lists a listener's chains by destination, descending.
            let described = chains.map { (match: describe($0.filterChainMatch), destination: destination($0.filters)) }
                .sorted { $0.destination > $1.destination }
            if described.isEmpty { rows.append([address, port, "-", "-"]) }
            for chain in described {
                rows.append([address, port, chain.match, chain.destination])
            }
        }
        return TextTable(header: ["ADDRESSES", "PORT", "MATCH", "DESTINATION"], rows: rows, padding: 1)
    }

    /// istioctl's summary of a filter chain match: SNI, transport, ALPN, addresses.
    static func describe(_ match: Envoy_Config_Listener_V3_FilterChainMatch) -> String {
        var parts: [String] = []
        if !match.serverNames.isEmpty { parts.append("SNI: \(match.serverNames.joined(separator: ","))") }
        if !match.transportProtocol.isEmpty { parts.append("Trans: \(match.transportProtocol)") }
        if !match.applicationProtocols.isEmpty {
            parts.append("App: \(match.applicationProtocols.joined(separator: ","))")
        }
        let port = match.hasDestinationPort ? ":\(match.destinationPort.value)" : ""
        if !match.prefixRanges.isEmpty {
            let ranges = match.prefixRanges.map { "\($0.addressPrefix)/\($0.prefixLen.value)" }
            parts.append("Addr: \(ranges.joined(separator: ","))\(port)")
        } else if !port.isEmpty {
            parts.append("Addr: *\(port)")
        }
        return parts.isEmpty ? "ALL" : parts.joined(separator: "; ")
    }

    /// Where a chain sends traffic: its route config, inline route, or TCP cluster.
    static func destination(_ filters: [Envoy_Config_Listener_V3_Filter]) -> String {
        for filter in filters {
            switch filter.typedConfig.typeURL {
            case httpConnectionManager:
                guard
                    let manager = try? Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_HttpConnectionManager(
                        unpackingAny: filter.typedConfig)
                else { return "HTTP" }
                if case .rds(let rds)? = manager.routeSpecifier, !rds.routeConfigName.isEmpty {
                    return "Route: \(rds.routeConfigName)"
                }
                if case .routeConfig(let routes)? = manager.routeSpecifier {
                    return "Inline Route: \(routes.name.isEmpty ? "-" : routes.name)"
                }
                return "HTTP"
            case tcpProxy:
                guard
                    let proxy = try? Envoy_Extensions_Filters_Network_TcpProxy_V3_TcpProxy(
                        unpackingAny: filter.typedConfig)
                else { return "TCP" }
                // BlackHoleCluster and PassthroughCluster read better bare, as in istioctl.
                return proxy.cluster.contains("Cluster") ? proxy.cluster : "Cluster: \(proxy.cluster)"
            default:
                continue
            }
        }
        return "Non-HTTP/Non-TCP"
    }
}
