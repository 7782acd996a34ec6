import ControlPlane
import Discovery
import Foundation
import SwiftProtobuf
import Testing
import XDS

/// Builders and readers shared by the cluster policy tests.
enum ClusterFixture {
    static let host = "reviews.default.svc.cluster.local"
    static let serviceAccount = "spiffe://cluster.local/ns/default/sa/reviews"

    /// A `trafficPolicy` written as a user writes it (JSON is YAML's subset).
    static func policy(_ json: String) throws -> TrafficPolicy {
        try JSONDecoder().decode(TrafficPolicy.self, from: Data(json.utf8))
    }

    /// The input for `reviews:9080` over `protocol`, with the given policies.
    static func input(
        _ policyJSON: String? = nil,
        subset: String? = nil,
        subsetJSON: String? = nil,
        port: Int = 9080,
        protocol portProtocol: PortProtocol = .http
    ) throws -> ClusterPolicyInput {
        ClusterPolicyInput(
            host: host,
            port: port,
            subset: subset,
            portProtocol: portProtocol,
            destinationRule: try policyJSON.map(policy),
            subsetPolicy: try subsetJSON.map(policy),
            serviceAccounts: [serviceAccount])
    }

    /// The skeleton the cluster generator builds before the policy is applied: an
    /// EDS cluster fed over ADS with istiod's default 10 s connect timeout.
    static func baseCluster(for input: ClusterPolicyInput) -> Envoy_Config_Cluster_V3_Cluster {
        var cluster = Envoy_Config_Cluster_V3_Cluster()
        cluster.name = input.clusterName
        cluster.type = .eds
        var source = Envoy_Config_Core_V3_ConfigSource()
        source.ads = .init()
        source.resourceApiVersion = .v3
        var eds = Envoy_Config_Cluster_V3_Cluster.EdsClusterConfig()
        eds.edsConfig = source
        cluster.edsClusterConfig = eds
        cluster.connectTimeout = Google_Protobuf_Duration(seconds: 10)
        return cluster
    }

    /// The base cluster with the policy applied.
    static func cluster(_ input: ClusterPolicyInput) throws -> Envoy_Config_Cluster_V3_Cluster {
        var cluster = baseCluster(for: input)
        try ClusterPolicy.apply(input, to: &cluster)
        return cluster
    }

    /// The cluster for a policy on `reviews:9080`.
    static func cluster(
        _ policyJSON: String?, subset: String? = nil, subsetJSON: String? = nil,
        protocol portProtocol: PortProtocol = .http
    ) throws -> Envoy_Config_Cluster_V3_Cluster {
        try cluster(input(policyJSON, subset: subset, subsetJSON: subsetJSON, protocol: portProtocol))
    }

    /// The cluster's HTTP protocol options, unpacked; nil when it has none.
    static func httpOptions(_ cluster: Envoy_Config_Cluster_V3_Cluster) throws
        -> Envoy_Extensions_Upstreams_Http_V3_HttpProtocolOptions?
    {
        guard let any = cluster.typedExtensionProtocolOptions[ClusterPolicy.httpProtocolOptionsKey] else { return nil }
        #expect(any.typeURL == "type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions")
        return try Envoy_Extensions_Upstreams_Http_V3_HttpProtocolOptions(serializedBytes: any.value)
    }

    /// Which upstream protocol the options choose: "http1", "http2" (explicit),
    /// "downstream", "auto", or nil when they choose none.
    static func upstreamProtocol(_ options: Envoy_Extensions_Upstreams_Http_V3_HttpProtocolOptions?) -> String? {
        switch options?.upstreamProtocolOptions {
        case .explicitHTTPConfig(let explicit)?:
            switch explicit.protocolConfig {
            case .httpProtocolOptions?: return "http1"
            case .http2ProtocolOptions?: return "http2"
            case nil: return nil
            }
        case .useDownstreamProtocolConfig?: return "downstream"
        case .autoConfig?: return "auto"
        case nil: return nil
        }
    }

    /// The TLS context inside a transport socket.
    static func tlsContext(_ socket: Envoy_Config_Core_V3_TransportSocket) throws
        -> Envoy_Extensions_TransportSockets_Tls_V3_UpstreamTlsContext
    {
        #expect(socket.name == "envoy.transport_sockets.tls")
        #expect(socket.typedConfig.typeURL == "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext")
        return try Envoy_Extensions_TransportSockets_Tls_V3_UpstreamTlsContext(serializedBytes: socket.typedConfig.value)
    }

    /// The exact strings of a list of SAN matchers.
    static func exactValues(_ matchers: [Envoy_Type_Matcher_V3_StringMatcher]) -> [String] {
        matchers.map(\.exact)
    }
}
