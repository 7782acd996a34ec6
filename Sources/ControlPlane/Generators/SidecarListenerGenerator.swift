import Discovery
import SwiftProtobuf
import XDS

/// Listeners for a sidecar. With iptables capture: `virtualOutbound` (15001) and
/// `virtualInbound` (15006) dispatching on the original destination, and
/// `0.0.0.0_PORT` per outbound service port (not bound; reached through 15001).
/// With `INTERCEPTION_MODE: NONE`: no virtual listeners (as istiod does), only the
/// real listeners the Sidecar resource's egress and ingress `bind` ports ask for.
struct SidecarListenerGenerator {
    let context: PushContext
    let proxy: MeshProxy

    static let virtualOutboundPort = 15001
    static let virtualInboundPort = 15006

    func generate() throws -> [Envoy_Config_Listener_V3_Listener] {
        let inbound = try InboundListeners(context: context, proxy: proxy)
        var listeners = try egressListeners() + inbound.boundListeners()
        if !proxy.capturesNothing {
            listeners += try portListeners(excluding: Set(listeners.map { Int($0.address.socketAddress.portValue) }))
            listeners.append(try virtualOutbound())
            listeners.append(try virtualInbound(inbound))
        }
        // Two listeners on one address and port can't both bind: the first (egress,
        // then ingress, then per-port) is kept, as Istio keeps the first it builds.
        var seen: Set<String> = []
        return listeners.filter { seen.insert($0.name).inserted }.sorted { $0.name < $1.name }
    }

    // MARK: Outbound

    /// The Sidecar's egress listeners that name a port.
    func egressListeners() throws -> [Envoy_Config_Listener_V3_Listener] {
        guard let egress = context.sidecar(for: proxy)?.spec.egress else { return [] }
        return try egress.compactMap { item -> Envoy_Config_Listener_V3_Listener? in
            guard let number = item.port?.number else { return nil }
            let portProtocol = PortProtocol.resolve(declared: item.port?.protocol, name: item.port?.name)
            let bindsRealPort = item.captureMode == SidecarSpec.CaptureMode.none || proxy.capturesNothing
            let bind = item.bind ?? (bindsRealPort ? "127.0.0.1" : "0.0.0.0")
            var listener = try outboundListener(port: number, portProtocol: portProtocol, address: bind)
            listener.name = "\(bind)_\(number)"
            if !bindsRealPort { listener.bindToPort = Google_Protobuf_BoolValue(false) }
            return listener
        }
    }

    /// `0.0.0.0_PORT` for each port of the visible services (HTTP ports share one
    /// listener and route table; a TCP port goes to its one service).
    func portListeners(excluding taken: Set<Int>) throws -> [Envoy_Config_Listener_V3_Listener] {
        var protocols: [Int: PortProtocol] = [:]
        for service in context.visibleServices(for: proxy) where service.resolution != .passthrough {
            for port in service.ports where !taken.contains(port.number) && port.number != Self.virtualOutboundPort
                && port.number != Self.virtualInboundPort
            {
                // HTTP wins a conflict, as its listener can still forward by Host.
                if protocols[port.number]?.isHTTP != true { protocols[port.number] = port.portProtocol }
            }
        }
        return try protocols.keys.sorted().map { number in
            var listener = try outboundListener(port: number, portProtocol: protocols[number] ?? .tcp, address: "0.0.0.0")
            listener.bindToPort = Google_Protobuf_BoolValue(false)
            return listener
        }
    }

    func outboundListener(port: Int, portProtocol: PortProtocol, address: String) throws -> Envoy_Config_Listener_V3_Listener {
        var chain = Envoy_Config_Listener_V3_FilterChain()
        if portProtocol.isHTTP {
            chain.filters = [
                try EnvoyBlocks.connectionManager(
                    statPrefix: "outbound_\(address)_\(port)", routeName: String(port), mesh: context.mesh,
                    proxyCluster: proxy.node.cluster)
            ]
        } else {
            chain.filters = [try tcpForward(port: port)]
        }
        var listener = Envoy_Config_Listener_V3_Listener()
        listener.name = "\(address)_\(port)"
        listener.address = EnvoyBlocks.socketAddress(address, port: port)
        listener.trafficDirection = .outbound
        listener.filterChains = [chain]
        return listener
    }

    /// The TCP proxy for an outbound TCP port: the mesh VirtualService's `tcp` route
    /// for the port's one service when it has one (weights as written), else that
    /// service's cluster, else the fallback.
    func tcpForward(port: Int) throws -> Envoy_Config_Listener_V3_Filter {
        let owners = context.visibleServices(for: proxy).filter { $0.port(port) != nil }
        if owners.count == 1, let owner = owners.first,
            let routing = context.virtualService(for: owner.hostname, gateway: "mesh", from: proxy.namespace),
            let route = (routing.object.spec.tcp ?? []).first(where: { route in
                let matches = route.match ?? []
                return matches.isEmpty || matches.contains { ($0.port == nil || $0.port == port) && Self.admits($0, proxy) }
            }),
            let destinations = route.route, !destinations.isEmpty
        {
            let names = RouteDestinations(context: context, namespace: routing.namespace)
            if destinations.count == 1 {
                let cluster = names.clusterName(destinations[0].destination, defaultPort: port)
                return try EnvoyBlocks.tcpProxy(statPrefix: cluster, cluster: cluster, mesh: context.mesh)
            }
            var proxy = Envoy_Extensions_Filters_Network_TcpProxy_V3_TcpProxy()
            proxy.statPrefix = "outbound|\(port)||\(owner.hostname)"
            var weighted = Envoy_Extensions_Filters_Network_TcpProxy_V3_TcpProxy.WeightedCluster()
            weighted.clusters = destinations.filter { ($0.weight ?? 0) > 0 }.map { destination in
                var cluster = Envoy_Extensions_Filters_Network_TcpProxy_V3_TcpProxy.WeightedCluster.ClusterWeight()
                cluster.name = names.clusterName(destination.destination, defaultPort: port)
                cluster.weight = UInt32(destination.weight ?? 0)
                return cluster
            }
            proxy.weightedClusters = weighted
            proxy.accessLog = try EnvoyBlocks.accessLogs(context.mesh)
            return try EnvoyBlocks.networkFilter(EnvoyBlocks.tcpProxyName, proxy)
        }
        return try EnvoyBlocks.tcpProxy(statPrefix: "outbound|\(port)||", cluster: tcpCluster(port: port), mesh: context.mesh)
    }

    /// Whether an L4 match's source conditions hold for `proxy`.
    static func admits(_ match: VirtualServiceSpec.L4MatchAttributes, _ proxy: MeshProxy) -> Bool {
        if let labels = match.sourceLabels, !proxy.labels.matches(labels) { return false }
        if let namespace = match.sourceNamespace, namespace != proxy.namespace { return false }
        if let gateways = match.gateways, !gateways.isEmpty, !gateways.contains("mesh") { return false }
        return true
    }

    /// The cluster a TCP port forwards to: its one service's, else the fallback.
    func tcpCluster(port: Int) -> String {
        let owners = context.visibleServices(for: proxy).filter { $0.port(port) != nil }
        if owners.count == 1, let owner = owners.first {
            return MeshNames.outboundCluster(host: owner.hostname, port: port)
        }
        return fallbackCluster
    }

    var fallbackCluster: String {
        context.allowsAnyOutbound(for: proxy) ? MeshNames.passthroughCluster : MeshNames.blackHoleCluster
    }

    func virtualOutbound() throws -> Envoy_Config_Listener_V3_Listener {
        var chain = Envoy_Config_Listener_V3_FilterChain()
        chain.name = "virtualOutbound-catchall-tcp"
        chain.filters = [try EnvoyBlocks.tcpProxy(statPrefix: fallbackCluster, cluster: fallbackCluster, mesh: context.mesh)]
        var listener = Envoy_Config_Listener_V3_Listener()
        listener.name = "virtualOutbound"
        listener.address = EnvoyBlocks.socketAddress("0.0.0.0", port: Self.virtualOutboundPort)
        listener.useOriginalDst = Google_Protobuf_BoolValue(true)
        listener.trafficDirection = .outbound
        listener.filterChains = [chain]
        return listener
    }

    // MARK: Inbound

    func virtualInbound(_ inbound: InboundListeners) throws -> Envoy_Config_Listener_V3_Listener {
        var chains: [Envoy_Config_Listener_V3_FilterChain] = []
        for port in inbound.ports {
            for var chain in try inbound.filterChains(for: port) {
                chain.filterChainMatch.destinationPort = Google_Protobuf_UInt32Value(UInt32(port.port))
                chains.append(chain)
            }
        }
        // Ports the workload doesn't declare pass through to the original
        // destination, under the workload's own mTLS mode.
        let passthrough = try EnvoyBlocks.tcpProxy(
            statPrefix: MeshNames.inboundPassthroughCluster, cluster: MeshNames.inboundPassthroughCluster,
            mesh: context.mesh)
        chains += try InboundMTLS(mode: inbound.mode(forPort: nil), hasCertificate: proxy.hasWorkloadCertificate)
            .chains(name: "virtualInbound-catchall-tcp", http: false, filters: { _ in [passthrough] })
        var listener = Envoy_Config_Listener_V3_Listener()
        listener.name = "virtualInbound"
        listener.address = EnvoyBlocks.socketAddress("0.0.0.0", port: Self.virtualInboundPort)
        listener.listenerFilters = [
            try EnvoyBlocks.listenerFilter(EnvoyBlocks.originalDstName, Envoy_Extensions_Filters_Listener_OriginalDst_V3_OriginalDst())
        ] + (try InboundMTLS.listenerFilters(for: chains))
        listener.trafficDirection = .inbound
        listener.filterChains = chains
        return listener
    }
}
