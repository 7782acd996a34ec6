import Discovery
import SwiftProtobuf
import XDS

/// A sidecar's inbound side: the ports its workload serves, each forwarded to an
/// `inbound|PORT||` cluster. The ports come from the Sidecar resource's `ingress`
/// listeners when it has them (real listeners, bound when `captureMode: NONE`),
/// else from the services whose endpoints are this proxy's addresses.
struct InboundListeners {
    let context: PushContext
    let proxy: MeshProxy
    /// The AuthorizationPolicy and RequestAuthentication filters: the same on every
    /// inbound port (a rule's ports are a condition inside them), so built once for
    /// all of the proxy's inbound chains.
    let httpSecurity: [Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_HttpFilter]
    let networkSecurity: [Envoy_Config_Listener_V3_Filter]

    init(context: PushContext, proxy: MeshProxy) throws {
        self.context = context
        self.proxy = proxy
        let policies = InboundPolicyFilters(context: context, proxy: proxy)
        self.httpSecurity = try policies.httpFilters()
        self.networkSecurity = try policies.networkFilters()
    }

    /// One port the workload serves.
    struct InboundPort: Hashable {
        var port: Int
        var portProtocol: PortProtocol
        /// Where the application listens (`127.0.0.1:8080`).
        var endpoint: (address: String, port: Int)
        /// The listener's address when it binds a real port.
        var bind: String?

        static func == (lhs: Self, rhs: Self) -> Bool {
            lhs.port == rhs.port && lhs.portProtocol == rhs.portProtocol && lhs.endpoint.address == rhs.endpoint.address
                && lhs.endpoint.port == rhs.endpoint.port && lhs.bind == rhs.bind
        }

        func hash(into hasher: inout Hasher) {
            hasher.combine(port)
            hasher.combine(endpoint.address)
            hasher.combine(endpoint.port)
        }
    }

    var ports: [InboundPort] {
        guard !proxy.isRouter else { return [] }
        if let ingress = context.sidecar(for: proxy)?.spec.ingress, !ingress.isEmpty {
            return ingress.compactMap { listener -> InboundPort? in
                guard let number = listener.port?.number else { return nil }
                let portProtocol = PortProtocol.resolve(declared: listener.port?.protocol, name: listener.port?.name)
                let endpoint = Self.parseEndpoint(listener.defaultEndpoint, port: number, proxy: proxy)
                let bind = listener.bind ?? (listener.captureMode == SidecarSpec.CaptureMode.none || proxy.capturesNothing
                    ? proxy.ipAddresses.first ?? "0.0.0.0" : nil)
                return InboundPort(port: number, portProtocol: portProtocol, endpoint: endpoint, bind: bind)
            }
            .sorted { $0.port < $1.port }
        }
        // Without a Sidecar: every port of every service this proxy is an endpoint of.
        let addresses = Set(proxy.ipAddresses)
        var found: [Int: InboundPort] = [:]
        for service in context.registry.services where service.namespace == proxy.namespace {
            for endpoint in context.registry.endpoints(of: service) where addresses.contains(endpoint.address) {
                for port in service.ports {
                    guard let target = endpoint.ports[port.number], found[target] == nil else { continue }
                    found[target] = InboundPort(
                        port: target, portProtocol: port.portProtocol, endpoint: ("127.0.0.1", target),
                        bind: proxy.capturesNothing ? endpoint.address : nil)
                }
            }
        }
        return found.keys.sorted().compactMap { found[$0] }
    }

    /// `defaultEndpoint` as written (`127.0.0.1:PORT`, `0.0.0.0:PORT` meaning the
    /// workload's own address), else the loopback on the listener's port.
    static func parseEndpoint(_ text: String?, port: Int, proxy: MeshProxy) -> (address: String, port: Int) {
        guard let text, let colon = text.lastIndex(of: ":"), let number = Int(text[text.index(after: colon)...]) else {
            return ("127.0.0.1", port)
        }
        let host = String(text[..<colon])
        return (host == "0.0.0.0" ? proxy.ipAddresses.first ?? "127.0.0.1" : host, number)
    }

    func clusters() throws -> [Envoy_Config_Cluster_V3_Cluster] {
        try ports.map { inbound in
            var cluster = Envoy_Config_Cluster_V3_Cluster()
            cluster.name = MeshNames.inboundCluster(port: inbound.port)
            cluster.type = .static
            cluster.connectTimeout = Google_Protobuf_Duration(seconds: 10)
            var endpoint = Envoy_Config_Endpoint_V3_Endpoint()
            endpoint.address = EnvoyBlocks.socketAddress(inbound.endpoint.address, port: inbound.endpoint.port)
            var lbEndpoint = Envoy_Config_Endpoint_V3_LbEndpoint()
            lbEndpoint.endpoint = endpoint
            var group = Envoy_Config_Endpoint_V3_LocalityLbEndpoints()
            group.lbEndpoints = [lbEndpoint]
            cluster.loadAssignment.clusterName = cluster.name
            cluster.loadAssignment.endpoints = [group]
            if inbound.portProtocol.isHTTP2 {
                var options = Envoy_Extensions_Upstreams_Http_V3_HttpProtocolOptions()
                options.explicitHTTPConfig.http2ProtocolOptions = Envoy_Config_Core_V3_Http2ProtocolOptions()
                cluster.typedExtensionProtocolOptions[ClusterPolicy.httpProtocolOptionsKey] =
                    try XDSResource.pack(options)
            }
            return cluster
        }
    }

    /// The filters that hand one inbound port's traffic to its cluster: an HTTP
    /// connection manager with an inline route, or a TCP proxy. `mutualTLS` when
    /// the chain terminates Istio mTLS, so the caller's identity reaches the app.
    /// AuthorizationPolicy and RequestAuthentication filters come first.
    func filters(for inbound: InboundPort, mutualTLS: Bool) throws -> [Envoy_Config_Listener_V3_Filter] {
        let cluster = MeshNames.inboundCluster(port: inbound.port)
        guard inbound.portProtocol.isHTTP else {
            return networkSecurity
                + [try EnvoyBlocks.tcpProxy(statPrefix: cluster, cluster: cluster, mesh: context.mesh)]
        }
        var route = Envoy_Config_Route_V3_Route()
        route.name = "default"
        route.match.prefix = "/"
        route.route.cluster = cluster
        route.route.timeout = Google_Protobuf_Duration(seconds: 0)
        var host = Envoy_Config_Route_V3_VirtualHost()
        host.name = "inbound|http|\(inbound.port)"
        host.domains = ["*"]
        host.routes = [route]
        var config = Envoy_Config_Route_V3_RouteConfiguration()
        config.name = cluster
        config.virtualHosts = [host]
        config.validateClusters = Google_Protobuf_BoolValue(false)
        return [
            try EnvoyBlocks.connectionManager(
                statPrefix: cluster, routeConfig: config, mesh: context.mesh, proxyCluster: proxy.node.cluster,
                security: httpSecurity, forwardsClientCertificate: mutualTLS)
        ]
    }

    /// The mTLS mode of inbound `port` (nil: an undeclared one): its PeerAuthentication, except that a workload
    /// without a certificate can't take mTLS and so serves PERMISSIVE as plaintext.
    func mode(forPort port: Int?) -> InboundMTLSMode {
        let mode = context.peerAuthentication.mode(namespace: proxy.namespace, labels: proxy.labels, port: port)
        return mode == .permissive && !proxy.hasWorkloadCertificate ? .disable : mode
    }

    /// The filter chains serving `inbound`, as its mode asks (see ``InboundMTLS``).
    func filterChains(for inbound: InboundPort) throws -> [Envoy_Config_Listener_V3_FilterChain] {
        let name = MeshNames.inboundCluster(port: inbound.port)
        return try InboundMTLS(mode: mode(forPort: inbound.port), hasCertificate: proxy.hasWorkloadCertificate).chains(
            name: name, http: inbound.portProtocol.isHTTP, filters: { try filters(for: inbound, mutualTLS: $0) })
    }

    /// Real listeners for ports that bind (`captureMode: NONE`), named `BIND_PORT`.
    func boundListeners() throws -> [Envoy_Config_Listener_V3_Listener] {
        try ports.compactMap { inbound -> Envoy_Config_Listener_V3_Listener? in
            guard let bind = inbound.bind else { return nil }
            var listener = Envoy_Config_Listener_V3_Listener()
            listener.name = "\(bind)_\(inbound.port)"
            listener.address = EnvoyBlocks.socketAddress(bind, port: inbound.port)
            listener.trafficDirection = .inbound
            listener.filterChains = try filterChains(for: inbound)
            listener.listenerFilters = try InboundMTLS.listenerFilters(for: listener.filterChains)
            return listener
        }
    }
}
