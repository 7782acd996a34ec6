import Discovery
import SwiftProtobuf
import XDS

/// Listeners for a gateway (`router`) proxy: one per port its Gateways' servers
/// use (on the server's `bind` address, else 0.0.0.0), named `ADDRESS_PORT`.
/// HTTP servers share one route table `http.PORT`; terminated HTTPS servers get a
/// filter chain per server (by SNI) with routes `https.PORT.NAME.GATEWAY.NS`; TLS
/// passthrough and TCP servers forward by the VirtualServices' tls and tcp routes.
struct GatewayListenerGenerator {
    let context: PushContext
    let proxy: MeshProxy

    /// A Gateway server with the gateway it belongs to.
    struct BoundServer {
        var gateway: Gateway
        var server: GatewaySpec.Server
        var index: Int
        var port: Int
        var portProtocol: PortProtocol
        var address: String

        var gatewayName: String { "\(gateway.metadata.namespace ?? "default")/\(gateway.metadata.name ?? "")" }
        var terminatesTLS: Bool {
            guard let mode = server.tls?.mode else { return false }
            return mode != .passthrough && mode != .autoPassthrough
        }
        /// The HTTPS route table name Istio gives this server.
        var httpsRouteName: String {
            let portName = server.port?.name ?? String(port)
            return "https.\(port).\(portName).\(gateway.metadata.name ?? "").\(gateway.metadata.namespace ?? "default")"
        }
    }

    var servers: [BoundServer] {
        context.gateways(for: proxy).flatMap { gateway in
            (gateway.spec.servers ?? []).enumerated().compactMap { index, server -> BoundServer? in
                guard let number = server.port?.number else { return nil }
                let portProtocol = PortProtocol.resolve(declared: server.port?.protocol, name: server.port?.name)
                return BoundServer(
                    gateway: gateway, server: server, index: index, port: number, portProtocol: portProtocol,
                    address: server.bind ?? "0.0.0.0")
            }
        }
    }

    func generate() throws -> [Envoy_Config_Listener_V3_Listener] {
        let grouped = Dictionary(grouping: servers) { "\($0.address)_\($0.port)" }
        return try grouped.keys.sorted().compactMap { name in
            try listener(name: name, servers: grouped[name] ?? [])
        }
    }

    func listener(name: String, servers: [BoundServer]) throws -> Envoy_Config_Listener_V3_Listener? {
        guard let first = servers.first else { return nil }
        var chains: [Envoy_Config_Listener_V3_FilterChain] = []
        var needsTLSInspector = false
        // AuthorizationPolicies and RequestAuthentications selecting the gateway apply
        // to what it accepts, as on a sidecar's inbound side.
        let policies = InboundPolicyFilters(context: context, proxy: proxy)
        let security = try policies.httpFilters()
        // Plain HTTP servers on the port share one chain and one route table.
        if servers.contains(where: { $0.portProtocol.isHTTP && !$0.terminatesTLS }) {
            var chain = Envoy_Config_Listener_V3_FilterChain()
            chain.filters = [
                try EnvoyBlocks.connectionManager(
                    statPrefix: "outbound_\(name)", routeName: "http.\(first.port)", mesh: context.mesh,
                    proxyCluster: proxy.node.cluster, security: security)
            ]
            chains.append(chain)
        }
        for server in servers where server.terminatesTLS {
            needsTLSInspector = true
            var chain = Envoy_Config_Listener_V3_FilterChain()
            chain.filterChainMatch.serverNames = Self.sniNames(server.server.hosts ?? [])
            chain.transportSocket = try GatewayTLS.transportSocket(server.server.tls, gatewayNamespace: server.gateway.metadata.namespace ?? "default")
            if server.portProtocol == .https || server.portProtocol.isHTTP {
                chain.filters = [
                    try EnvoyBlocks.connectionManager(
                        statPrefix: "outbound_\(name)", routeName: server.httpsRouteName, mesh: context.mesh,
                        proxyCluster: proxy.node.cluster, security: security)
                ]
            } else {
                chain.filters = [try tcpForward(server, sni: nil)]
            }
            chains.append(chain)
        }
        for server in servers where !server.terminatesTLS && !server.portProtocol.isHTTP {
            if server.portProtocol.isTLS {
                needsTLSInspector = true
                chains += try passthroughChains(server)
            } else {
                var chain = Envoy_Config_Listener_V3_FilterChain()
                chain.filters = [try tcpForward(server, sni: nil)]
                chains.append(chain)
            }
        }
        guard !chains.isEmpty else { return nil }
        let network = try policies.networkFilters()
        for index in chains.indices where chains[index].filters.first?.name == EnvoyBlocks.tcpProxyName {
            chains[index].filters.insert(contentsOf: network, at: 0)
        }
        var listener = Envoy_Config_Listener_V3_Listener()
        listener.name = name
        listener.address = EnvoyBlocks.socketAddress(first.address, port: first.port)
        listener.trafficDirection = .outbound
        if needsTLSInspector {
            listener.listenerFilters = [
                try EnvoyBlocks.listenerFilter(EnvoyBlocks.tlsInspectorName, Envoy_Extensions_Filters_Listener_TlsInspector_V3_TlsInspector())
            ]
        }
        listener.filterChains = chains
        return listener
    }

    /// Server hosts as SNI names: the namespace part dropped, `*` meaning any.
    static func sniNames(_ hosts: [String]) -> [String] {
        let names = hosts.map { host in host.split(separator: "/").last.map(String.init) ?? host }
        if names.contains("*") { return [] }
        return Array(Set(names)).sorted()
    }

    /// VirtualServices bound to `server`: attached to its gateway, with a host its hosts admit.
    func virtualServices(for server: BoundServer) -> [ScopedVirtualService] {
        context.virtualServices.filter { service in
            service.gateways.contains(server.gatewayName)
                && service.hosts.contains { GatewayHosts.admits(server.server.hosts ?? [], host: $0, namespace: service.namespace, gatewayNamespace: server.gateway.metadata.namespace ?? "default") }
        }
    }

    func passthroughChains(_ server: BoundServer) throws -> [Envoy_Config_Listener_V3_FilterChain] {
        var chains: [Envoy_Config_Listener_V3_FilterChain] = []
        for service in virtualServices(for: server) {
            for route in service.object.spec.tls ?? [] {
                for match in route.match ?? [] {
                    if let port = match.port, port != server.port { continue }
                    guard let destination = route.route?.first?.destination else { continue }
                    var chain = Envoy_Config_Listener_V3_FilterChain()
                    chain.filterChainMatch.serverNames = (match.sniHosts ?? []).sorted()
                    let cluster = RouteDestinations(context: context, namespace: service.namespace)
                        .clusterName(destination, defaultPort: server.port)
                    chain.filters = [try EnvoyBlocks.tcpProxy(statPrefix: cluster, cluster: cluster, mesh: context.mesh)]
                    chains.append(chain)
                }
            }
        }
        return chains
    }

    func tcpForward(_ server: BoundServer, sni: String?) throws -> Envoy_Config_Listener_V3_Filter {
        for service in virtualServices(for: server) {
            for route in service.object.spec.tcp ?? [] {
                if let matches = route.match, !matches.isEmpty, !matches.contains(where: { $0.port == nil || $0.port == server.port }) {
                    continue
                }
                if let destination = route.route?.first?.destination {
                    let cluster = RouteDestinations(context: context, namespace: service.namespace)
                        .clusterName(destination, defaultPort: server.port)
                    return try EnvoyBlocks.tcpProxy(statPrefix: cluster, cluster: cluster, mesh: context.mesh)
                }
            }
        }
        return try EnvoyBlocks.tcpProxy(statPrefix: MeshNames.blackHoleCluster, cluster: MeshNames.blackHoleCluster, mesh: context.mesh)
    }
}

/// How Gateway server hosts (`NS/HOST`, `./HOST`, `HOST`) admit a VirtualService host.
enum GatewayHosts {
    /// The hosts a VirtualService serves through a server: each of its hosts the
    /// server admits, narrowed to the server's host when that is more specific (a
    /// `*` VirtualService on a `shop.example.com` server serves shop.example.com).
    static func intersection(_ serverHosts: [String], hosts: [String], namespace: String, gatewayNamespace: String) -> [String] {
        var result: [String] = []
        for host in hosts where admits(serverHosts, host: host, namespace: namespace, gatewayNamespace: gatewayNamespace) {
            let patterns = serverHosts.map { $0.split(separator: "/").last.map(String.init) ?? $0 }
            for pattern in patterns where HostMatch.matches(host, pattern: pattern) {
                let narrower = specificity(pattern) > specificity(host) ? pattern : host
                if !result.contains(narrower) { result.append(narrower) }
            }
        }
        return result
    }

    /// Longer non-wildcard names are more specific; `*` is the least.
    static func specificity(_ host: String) -> Int {
        host.hasPrefix("*") ? host.count - 1 : host.count + 1_000
    }

    static func admits(_ serverHosts: [String], host: String, namespace: String, gatewayNamespace: String) -> Bool {
        serverHosts.contains { entry in
            let parts = entry.split(separator: "/", maxSplits: 1).map(String.init)
            let (scope, pattern) = parts.count == 2 ? (parts[0], parts[1]) : ("*", entry)
            let scopeAdmits = scope == "*" || scope == namespace || (scope == "." && namespace == gatewayNamespace)
            return scopeAdmits && HostMatch.matches(host, pattern: pattern)
        }
    }
}
