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

public struct HTTPRouteContext: Sendable {
    public var namespace: String
    public var hostResolver: HostNameResolver
    public var listenerPort: Int
    public var gateways: Set<String>
    public var proxyLabels: [String: String]
    public var proxyNamespace: String
    public var clusterName: @Sendable (Destination, _ defaultPort: Int) -> String
    public var hashPolicy: @Sendable (Destination) -> [Envoy_Config_Route_V3_RouteAction.HashPolicy]
}

public enum HTTPRouteTranslator {
    public static func routes(
        _ http: [VirtualServiceSpec.HTTPRoute], name vsName: String, context: HTTPRouteContext
    ) throws -> [Envoy_Config_Route_V3_Route] {
        var result: [Envoy_Config_Route_V3_Route] = []
        for route in http {
            var action = Envoy_Config_Route_V3_RouteAction()
            let destinations = route.route ?? []
            if destinations.count == 1 {
                action.cluster = context.clusterName(destinations[0].destination, context.listenerPort)
            } else {
                var weighted = Envoy_Config_Route_V3_WeightedCluster()
                weighted.clusters = destinations.map {
                    var cluster = Envoy_Config_Route_V3_WeightedCluster.ClusterWeight()
                    cluster.name = context.clusterName($0.destination, context.listenerPort)
                    cluster.weight = Google_Protobuf_UInt32Value(UInt32($0.weight ?? 0))
                    return cluster
                }
                action.weightedClusters = weighted
            }
            for match in route.match ?? [HTTPMatchRequestPlaceholder.any] {
                var envoyRoute = Envoy_Config_Route_V3_Route()
                if let exact = match.uri?.exact {
                    envoyRoute.match.path = exact
                } else {
                    envoyRoute.match.prefix = match.uri?.prefix ?? "/"
                }
                for (name, value) in (match.headers ?? [:]).sorted(by: { $0.key < $1.key }) {
                    var header = Envoy_Config_Route_V3_HeaderMatcher()
                    header.name = name
                    var string = Envoy_Type_Matcher_V3_StringMatcher()
                    string.exact = value.exact ?? ""
                    header.stringMatch = string
                    envoyRoute.match.headers.append(header)
                }
                envoyRoute.route = action
                result.append(envoyRoute)
            }
        }
        return result
    }

    public static func defaultRoute(cluster: String) -> Envoy_Config_Route_V3_Route {
        var route = Envoy_Config_Route_V3_Route()
        route.match.prefix = "/"
        route.route.cluster = cluster
        route.route.timeout = Google_Protobuf_Duration(seconds: 0)
        return route
    }
}

enum HTTPMatchRequestPlaceholder {
    static let any = try! JSONDecoder().decode(VirtualServiceSpec.HTTPMatchRequest.self, from: Data("{}".utf8))
}
