import Foundation
import SwiftProtobuf
import XDS

/// Envoy resources shaped the way istiod names them, for the debug-output tests.
enum EnvoyFixtures {
    static let clusterName = "outbound|9080|v1|reviews.default.svc.cluster.local"

    static func cluster() -> Envoy_Config_Cluster_V3_Cluster {
        var cluster = Envoy_Config_Cluster_V3_Cluster()
        cluster.name = clusterName
        cluster.type = .eds
        var config = Google_Protobuf_Struct()
        config.fields["config"] = Google_Protobuf_Value(
            stringValue: "/apis/networking.istio.io/v1/namespaces/default/destination-rule/reviews")
        cluster.metadata.filterMetadata["istio"] = config
        return cluster
    }

    static func passthrough() -> Envoy_Config_Cluster_V3_Cluster {
        var cluster = Envoy_Config_Cluster_V3_Cluster()
        cluster.name = "PassthroughCluster"
        cluster.type = .originalDst
        return cluster
    }

    /// `0.0.0.0_9080`: an HTTP connection manager (RDS route "9080") ending in the router.
    static func listener() throws -> Envoy_Config_Listener_V3_Listener {
        var router = Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_HttpFilter()
        router.name = "envoy.filters.http.router"
        router.typedConfig = try XDSResource.pack(Envoy_Extensions_Filters_Http_Router_V3_Router())

        var manager = Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_HttpConnectionManager()
        manager.statPrefix = "outbound_0.0.0.0_9080"
        manager.rds.routeConfigName = "9080"
        manager.rds.configSource.ads = Envoy_Config_Core_V3_AggregatedConfigSource()
        manager.httpFilters = [router]

        var filter = Envoy_Config_Listener_V3_Filter()
        filter.name = "envoy.filters.network.http_connection_manager"
        filter.typedConfig = try XDSResource.pack(manager)

        var chain = Envoy_Config_Listener_V3_FilterChain()
        chain.filters = [filter]

        var listener = Envoy_Config_Listener_V3_Listener()
        listener.name = "0.0.0.0_9080"
        listener.address.socketAddress.address = "0.0.0.0"
        listener.address.socketAddress.portValue = 9080
        listener.filterChains = [chain]
        return listener
    }

    static func route() -> Envoy_Config_Route_V3_RouteConfiguration {
        var action = Envoy_Config_Route_V3_RouteAction()
        action.cluster = clusterName
        var route = Envoy_Config_Route_V3_Route()
        route.match.prefix = "/"
        route.route = action
        var config = Google_Protobuf_Struct()
        config.fields["config"] = Google_Protobuf_Value(
            stringValue: "/apis/networking.istio.io/v1/namespaces/default/virtual-service/reviews")
        route.metadata.filterMetadata["istio"] = config
        var host = Envoy_Config_Route_V3_VirtualHost()
        host.name = "reviews.default.svc.cluster.local:9080"
        host.domains = ["reviews.default.svc.cluster.local", "reviews"]
        host.routes = [route]
        var configuration = Envoy_Config_Route_V3_RouteConfiguration()
        configuration.name = "9080"
        configuration.virtualHosts = [host]
        return configuration
    }

    static func endpoints() -> Envoy_Config_Endpoint_V3_ClusterLoadAssignment {
        var endpoint = Envoy_Config_Endpoint_V3_LbEndpoint()
        endpoint.endpoint.address.socketAddress.address = "10.0.0.7"
        endpoint.endpoint.address.socketAddress.portValue = 9080
        var locality = Envoy_Config_Endpoint_V3_LocalityLbEndpoints()
        locality.lbEndpoints = [endpoint]
        var assignment = Envoy_Config_Endpoint_V3_ClusterLoadAssignment()
        assignment.clusterName = clusterName
        assignment.endpoints = [locality]
        return assignment
    }

    static func rootSecret() -> Envoy_Extensions_TransportSockets_Tls_V3_Secret {
        var secret = Envoy_Extensions_TransportSockets_Tls_V3_Secret()
        secret.name = "ROOTCA"
        secret.validationContext.trustedCa.inlineString = "-----BEGIN CERTIFICATE-----\n"
        return secret
    }

    /// Everything above, as `XDSServer.sentResources` hands it out.
    static func sent() throws -> [TypeURL: [XDSResource]] {
        [
            .cluster: [
                try XDSResource(name: clusterName, message: cluster()),
                try XDSResource(name: "PassthroughCluster", message: passthrough()),
            ],
            .listener: [try XDSResource(name: "0.0.0.0_9080", message: listener())],
            .route: [try XDSResource(name: "9080", message: route())],
            .endpoint: [try XDSResource(name: clusterName, message: endpoints())],
            .secret: [try XDSResource(name: "ROOTCA", message: rootSecret())],
        ]
    }
}
