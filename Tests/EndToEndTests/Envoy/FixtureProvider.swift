import Foundation
import Synchronization
import SwiftProtobuf
import XDS

/// A small fixed configuration served over ADS: one HTTP listener on loopback, its
/// route (over RDS), one EDS cluster `backend` and its endpoints. Tests change the
/// endpoints or break the listener, then push.
final class FixtureProvider: ResourceProvider {
    struct Config: Sendable {
        var listenerPort: Int
        var endpoints: [(host: String, port: Int)]
        /// Serve a listener Envoy must reject (two filter chains with the same match).
        var brokenListener = false
        /// Changing it changes the cluster, which Envoy must warm again.
        var connectTimeoutSeconds: Int64 = 1
    }

    static let listenerName = "e2e_http"
    static let routeName = "e2e_route"
    static let clusterName = "backend"

    let config: Mutex<Config>

    init(_ config: Config) {
        self.config = Mutex(config)
    }

    var typeURLs: Set<TypeURL> { [.cluster, .endpoint, .listener, .route] }

    func resources(_ typeURL: TypeURL, for proxy: ProxyNode, names: Set<String>?) async throws -> [XDSResource] {
        let config = self.config.withLock { $0 }
        let all: [XDSResource]
        switch typeURL {
        case .listener: all = [try XDSResource(name: Self.listenerName, message: Self.listener(config))]
        case .route: all = [try XDSResource(name: Self.routeName, message: Self.route())]
        case .cluster:
            var cluster = Self.cluster()
            cluster.connectTimeout = Google_Protobuf_Duration(seconds: config.connectTimeoutSeconds)
            all = [try XDSResource(name: Self.clusterName, message: cluster)]
        case .endpoint: all = [try XDSResource(name: Self.clusterName, message: Self.endpoints(config))]
        default: all = []
        }
        return all.filter { names?.contains($0.name) ?? true }
    }

    /// An HTTP connection manager that takes its routes over ADS (RDS) and routes with
    /// the router filter: what both Envoy listeners and gRPC api_listeners carry.
    static func connectionManager(
        routeName: String
    ) throws -> Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_HttpConnectionManager {
        var rds = Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_Rds()
        rds.routeConfigName = routeName
        rds.configSource.ads = Envoy_Config_Core_V3_AggregatedConfigSource()
        rds.configSource.resourceApiVersion = .v3

        var router = Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_HttpFilter()
        router.name = "envoy.filters.http.router"
        router.typedConfig = try XDSResource.pack(Envoy_Extensions_Filters_Http_Router_V3_Router())

        var manager = Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_HttpConnectionManager()
        manager.statPrefix = "e2e"
        manager.rds = rds
        manager.httpFilters = [router]
        return manager
    }

    static func listener(_ config: Config) throws -> Envoy_Config_Listener_V3_Listener {
        let manager = try connectionManager(routeName: routeName)

        var filter = Envoy_Config_Listener_V3_Filter()
        filter.name = "envoy.filters.network.http_connection_manager"
        filter.typedConfig = try XDSResource.pack(manager)

        var chain = Envoy_Config_Listener_V3_FilterChain()
        chain.filters = [filter]

        var listener = Envoy_Config_Listener_V3_Listener()
        listener.name = listenerName
        listener.address.socketAddress.address = "127.0.0.1"
        listener.address.socketAddress.portValue = UInt32(config.listenerPort)
        listener.filterChains = config.brokenListener ? [chain, chain] : [chain]
        return listener
    }

    static func route() -> Envoy_Config_Route_V3_RouteConfiguration {
        var action = Envoy_Config_Route_V3_RouteAction()
        action.cluster = clusterName
        var route = Envoy_Config_Route_V3_Route()
        route.match.prefix = "/"
        route.route = action
        var host = Envoy_Config_Route_V3_VirtualHost()
        host.name = "all"
        host.domains = ["*"]
        host.routes = [route]
        var configuration = Envoy_Config_Route_V3_RouteConfiguration()
        configuration.name = routeName
        configuration.virtualHosts = [host]
        return configuration
    }

    static func cluster() -> Envoy_Config_Cluster_V3_Cluster {
        var cluster = Envoy_Config_Cluster_V3_Cluster()
        cluster.name = clusterName
        cluster.type = .eds
        cluster.edsClusterConfig.edsConfig.ads = Envoy_Config_Core_V3_AggregatedConfigSource()
        cluster.edsClusterConfig.edsConfig.resourceApiVersion = .v3
        cluster.connectTimeout = Google_Protobuf_Duration(seconds: 1)
        return cluster
    }

    static func endpoints(_ config: Config) -> Envoy_Config_Endpoint_V3_ClusterLoadAssignment {
        var locality = Envoy_Config_Endpoint_V3_LocalityLbEndpoints()
        locality.lbEndpoints = config.endpoints.map { host, port in
            var endpoint = Envoy_Config_Endpoint_V3_Endpoint()
            endpoint.address.socketAddress.address = host
            endpoint.address.socketAddress.portValue = UInt32(port)
            var lbEndpoint = Envoy_Config_Endpoint_V3_LbEndpoint()
            lbEndpoint.endpoint = endpoint
            return lbEndpoint
        }
        var assignment = Envoy_Config_Endpoint_V3_ClusterLoadAssignment()
        assignment.clusterName = clusterName
        assignment.endpoints = [locality]
        return assignment
    }
}
