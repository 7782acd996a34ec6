import Foundation
import SwiftProtobuf
import Synchronization
import XDS

/// A mesh of `clusterCount` EDS clusters with a few endpoints each, one listener and
/// one route: the configuration size the load tool pushes. `bumpEndpoints()` changes
/// every cluster's endpoints, as a rolling deployment would.
final class SyntheticMesh: ResourceProvider {
    let clusterCount: Int
    private let generation = Mutex(0)
    /// Generated once per type and generation and shared by every proxy, as a real
    /// translator shares the output for proxies that see the same configuration.
    private let cache = Mutex<[TypeURL: (generation: Int, resources: [XDSResource])]>([:])

    init(clusterCount: Int) {
        self.clusterCount = clusterCount
    }

    var typeURLs: Set<TypeURL> { [.cluster, .endpoint, .listener, .route] }

    static func clusterName(_ index: Int) -> String { "outbound|8080||service-\(index).load.svc.cluster.local" }
    static let routeName = "8080"

    func bumpEndpoints() {
        generation.withLock { $0 += 1 }
    }

    func resources(_ typeURL: TypeURL, for proxy: ProxyNode, names: Set<String>?) async throws -> [XDSResource] {
        let generation = self.generation.withLock { $0 }
        let all: [XDSResource]
        if let cached = cache.withLock({ $0[typeURL] }), cached.generation == generation {
            all = cached.resources
        } else {
            all = try generate(typeURL, generation: generation)
            cache.withLock { $0[typeURL] = (generation, all) }
        }
        guard let names else { return all }
        return all.filter { names.contains($0.name) }
    }

    private func generate(_ typeURL: TypeURL, generation: Int) throws -> [XDSResource] {
        switch typeURL {
        case .cluster:
            return try (0..<clusterCount).map { index in
                var cluster = Envoy_Config_Cluster_V3_Cluster()
                cluster.name = Self.clusterName(index)
                cluster.type = .eds
                cluster.edsClusterConfig.edsConfig.ads = Envoy_Config_Core_V3_AggregatedConfigSource()
                cluster.edsClusterConfig.serviceName = cluster.name
                cluster.connectTimeout = Google_Protobuf_Duration(seconds: 10)
                return try XDSResource(name: cluster.name, message: cluster)
            }
        case .endpoint:
            return try (0..<clusterCount).map { index in
                let name = Self.clusterName(index)
                var locality = Envoy_Config_Endpoint_V3_LocalityLbEndpoints()
                locality.lbEndpoints = (0..<3).map { replica in
                    var endpoint = Envoy_Config_Endpoint_V3_LbEndpoint()
                    endpoint.endpoint.address.socketAddress.address = "127.1.\(index % 250).\(10 + replica + generation % 200)"
                    endpoint.endpoint.address.socketAddress.portValue = 8080
                    return endpoint
                }
                var assignment = Envoy_Config_Endpoint_V3_ClusterLoadAssignment()
                assignment.clusterName = name
                assignment.endpoints = [locality]
                return try XDSResource(name: name, message: assignment)
            }
        case .listener:
            var rds = Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_Rds()
            rds.routeConfigName = Self.routeName
            rds.configSource.ads = Envoy_Config_Core_V3_AggregatedConfigSource()
            var manager = Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_HttpConnectionManager()
            manager.statPrefix = "outbound_0.0.0.0_8080"
            manager.rds = rds
            var filter = Envoy_Config_Listener_V3_Filter()
            filter.name = "envoy.filters.network.http_connection_manager"
            filter.typedConfig = try XDSResource.pack(manager)
            var chain = Envoy_Config_Listener_V3_FilterChain()
            chain.filters = [filter]
            var listener = Envoy_Config_Listener_V3_Listener()
            listener.name = "0.0.0.0_8080"
            listener.address.socketAddress.address = "0.0.0.0"
            listener.address.socketAddress.portValue = 8080
            listener.filterChains = [chain]
            return [try XDSResource(name: listener.name, message: listener)]
        case .route:
            var host = Envoy_Config_Route_V3_VirtualHost()
            host.name = "all"
            host.domains = ["*"]
            host.routes = (0..<clusterCount).map { index in
                var route = Envoy_Config_Route_V3_Route()
                route.match.prefix = "/service-\(index)"
                var action = Envoy_Config_Route_V3_RouteAction()
                action.cluster = Self.clusterName(index)
                route.route = action
                return route
            }
            var configuration = Envoy_Config_Route_V3_RouteConfiguration()
            configuration.name = Self.routeName
            configuration.virtualHosts = [host]
            return [try XDSResource(name: Self.routeName, message: configuration)]
        default:
            return []
        }
    }
}
