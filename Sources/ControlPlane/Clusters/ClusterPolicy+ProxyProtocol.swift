import Discovery
import SwiftProtobuf
import XDS

extension ClusterPolicy {
    /// Envoy's name for the transport socket that writes a PROXY protocol header.
    public static let proxyProtocolTransportSocketName = "envoy.transport_sockets.upstream_proxy_protocol"

    /// `proxyProtocol`: every transport socket of the cluster (the plain one, each
    /// auto mTLS match) is wrapped so the upstream first receives a PROXY protocol
    /// header; a cluster without one wraps plaintext. Applied after TLS, as istiod
    /// does.
    static func applyProxyProtocol(
        _ proxyProtocol: TrafficPolicy.ProxyProtocol?,
        to cluster: inout Envoy_Config_Cluster_V3_Cluster
    ) throws {
        guard let proxyProtocol else { return }
        var config = Envoy_Config_Core_V3_ProxyProtocolConfig()
        config.version = proxyProtocol.version == .v2 ? .v2 : .v1
        func wrap(_ inner: Envoy_Config_Core_V3_TransportSocket) throws -> Envoy_Config_Core_V3_TransportSocket {
            var upstream = Envoy_Extensions_TransportSockets_ProxyProtocol_V3_ProxyProtocolUpstreamTransport()
            upstream.config = config
            upstream.transportSocket = inner
            var socket = Envoy_Config_Core_V3_TransportSocket()
            socket.name = proxyProtocolTransportSocketName
            socket.typedConfig = try XDSResource.pack(upstream)
            return socket
        }
        if !cluster.hasTransportSocket && cluster.transportSocketMatches.isEmpty {
            cluster.transportSocket = try wrap(rawBufferTransportSocket())
            return
        }
        if cluster.hasTransportSocket {
            cluster.transportSocket = try wrap(cluster.transportSocket)
        }
        for index in cluster.transportSocketMatches.indices {
            cluster.transportSocketMatches[index].transportSocket =
                try wrap(cluster.transportSocketMatches[index].transportSocket)
        }
    }
}
