import Foundation
import Discovery
import SwiftProtobuf
import XDS

public struct ClusterPolicyInput: Sendable {
    public var host: String
    public var port: Int
    public var subset: String?
    public var portProtocol: PortProtocol
    public var destinationRule: TrafficPolicy?
    public var subsetPolicy: TrafficPolicy?
    public var enableAutoMtls: Bool
    public var serviceAccounts: [String]
}

public enum ClusterPolicy {
    public static func apply(_ input: ClusterPolicyInput, to cluster: inout Envoy_Config_Cluster_V3_Cluster) throws {
        guard input.portProtocol.isHTTP2 else { return }
        var options = Envoy_Extensions_Upstreams_Http_V3_HttpProtocolOptions()
        options.explicitHTTPConfig.http2ProtocolOptions = Envoy_Config_Core_V3_Http2ProtocolOptions()
        cluster.typedExtensionProtocolOptions["envoy.extensions.upstreams.http.v3.HttpProtocolOptions"] =
            try XDSResource.pack(options)
    }

    public static func hashPolicy(_ effective: TrafficPolicy?) -> [Envoy_Config_Route_V3_RouteAction.HashPolicy] { [] }
}

