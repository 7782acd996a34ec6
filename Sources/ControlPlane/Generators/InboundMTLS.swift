import SwiftProtobuf
import XDS

/// The filter chains of one inbound port for its PeerAuthentication mode, as
/// istiod lays them out:
/// - STRICT: TLS only, with a client certificate from the mesh's trust bundle
///   required: the chain for Istio's ALPN (identical to PERMISSIVE's, so a mode
///   switch does not drain mesh callers' connections) and one for any other TLS;
///   plaintext matches no chain and the connection is closed.
/// - PERMISSIVE: the mTLS chain for TLS offering Istio's ALPN (what mesh callers
///   send), a plaintext chain beside it, and on TCP ports a chain passing other
///   TLS (the application's own) through untouched.
/// - DISABLE: one plaintext chain.
///
/// The chains are told apart by the TLS inspector (transport protocol and ALPN).
struct InboundMTLS {
    let mode: InboundMTLSMode
    /// Whether the proxy has a node agent serving `default` and `ROOTCA`.
    let hasCertificate: Bool

    /// ALPN a mesh caller offers: Istio's markers, with the HTTP version variants
    /// Istio's own proxies add.
    static let meshALPN = ClusterPolicy.istioMutualALPN + ["istio-http/1.0", "istio-http/1.1", "istio-h2"]

    /// The chains; `filters(mutualTLS)` builds the filters behind each.
    func chains(
        name: String, http: Bool, filters: (Bool) throws -> [Envoy_Config_Listener_V3_Filter]
    ) throws -> [Envoy_Config_Listener_V3_FilterChain] {
        switch mode {
        case .disable:
            return [try Self.chain(name: name, filters: filters(false))]
        case .strict:
            // Without a certificate the port can't take mTLS, and plaintext is not
            // allowed: every connection is closed, rather than naming secrets the
            // proxy has no agent to fetch (Envoy would refuse the listener).
            guard hasCertificate else {
                return [try Self.chain(name: name + "-refused", filters: [Self.refuseAll(name)])]
            }
            // Mesh callers' chain is the very one PERMISSIVE has, so switching
            // modes leaves their connections alone (Envoy drains only chains that
            // change); other TLS callers (proxyless gRPC) get mTLS beside it.
            var otherTLS = try Self.chain(name: name + "-mtls-other-alpn", filters: filters(true))
            otherTLS.filterChainMatch.transportProtocol = "tls"
            otherTLS.transportSocket = try Self.mutualTLSSocket(http: http)
            return [try meshChain(name: name, http: http, filters: filters), otherTLS]
        case .permissive:
            let mutual = try meshChain(name: name, http: http, filters: filters)
            var plaintext = try Self.chain(name: name + "-plaintext", filters: filters(false))
            plaintext.filterChainMatch.transportProtocol = "raw_buffer"
            guard !http else { return [mutual, plaintext] }
            var passthrough = try Self.chain(name: name + "-tls-passthrough", filters: filters(false))
            passthrough.filterChainMatch.transportProtocol = "tls"
            return [mutual, plaintext, passthrough]
        }
    }

    /// mTLS for callers offering Istio's ALPN: the same chain in STRICT and PERMISSIVE.
    func meshChain(
        name: String, http: Bool, filters: (Bool) throws -> [Envoy_Config_Listener_V3_Filter]
    ) throws -> Envoy_Config_Listener_V3_FilterChain {
        var mutual = try Self.chain(name: name + "-mtls", filters: filters(true))
        mutual.filterChainMatch.transportProtocol = "tls"
        mutual.filterChainMatch.applicationProtocols = Self.meshALPN
        mutual.transportSocket = try Self.mutualTLSSocket(http: http)
        return mutual
    }

    /// The TLS inspector when some chain matches on transport protocol or ALPN.
    static func listenerFilters(for chains: [Envoy_Config_Listener_V3_FilterChain]) throws
        -> [Envoy_Config_Listener_V3_ListenerFilter]
    {
        guard chains.contains(where: { !$0.filterChainMatch.transportProtocol.isEmpty }) else { return [] }
        return [
            try EnvoyBlocks.listenerFilter(
                EnvoyBlocks.tlsInspectorName, Envoy_Extensions_Filters_Listener_TlsInspector_V3_TlsInspector())
        ]
    }

    /// The workload's certificate and the mesh trust bundle from the node agent; a
    /// client certificate is required. No SAN is checked here: who may call is
    /// AuthorizationPolicy's business, by the verified certificate's SPIFFE id.
    static func mutualTLSSocket(http: Bool) throws -> Envoy_Config_Core_V3_TransportSocket {
        var common = ClusterPolicy.defaultCommonTLSContext()
        common.tlsCertificateSdsSecretConfigs = [UpstreamSecrets.fromAgent(MeshNames.workloadSecret)]
        common.combinedValidationContext = ClusterPolicy.combined(
            subjectAltNames: [], trustBundle: UpstreamSecrets.fromAgent(MeshNames.rootSecret))
        if http { common.alpnProtocols = ["h2", "http/1.1"] }
        var context = Envoy_Extensions_TransportSockets_Tls_V3_DownstreamTlsContext()
        context.commonTlsContext = common
        context.requireClientCertificate = Google_Protobuf_BoolValue(true)
        var socket = Envoy_Config_Core_V3_TransportSocket()
        socket.name = ClusterPolicy.tlsTransportSocketName
        socket.typedConfig = try XDSResource.pack(context)
        return socket
    }

    static func chain(name: String, filters: [Envoy_Config_Listener_V3_Filter]) throws -> Envoy_Config_Listener_V3_FilterChain {
        var chain = Envoy_Config_Listener_V3_FilterChain()
        chain.name = name
        chain.filters = filters
        return chain
    }

    /// A TCP proxy to the black hole: the connection is accepted and closed.
    static func refuseAll(_ statPrefix: String) throws -> Envoy_Config_Listener_V3_Filter {
        var proxy = Envoy_Extensions_Filters_Network_TcpProxy_V3_TcpProxy()
        proxy.statPrefix = statPrefix
        proxy.cluster = MeshNames.blackHoleCluster
        return try EnvoyBlocks.networkFilter(EnvoyBlocks.tcpProxyName, proxy)
    }
}
