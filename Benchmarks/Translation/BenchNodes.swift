import Foundation
import SwiftProtobuf
import XDS

/// The Envoy nodes the benchmark translates for and connects as.
enum BenchNodes {
    /// A sidecar in the first namespace: every service is exported to it, so it sees
    /// the whole mesh. Its address matches no WorkloadEntry (no inbound listeners).
    static func sidecar(_ index: Int = 0) -> Envoy_Config_Core_V3_Node {
        let namespace = MeshFixture.namespace(0)
        return node(
            id: "sidecar~10.254.\(index / 256 % 256).\(index % 256)~client-\(index).\(namespace)~\(namespace).svc.cluster.local",
            namespace: namespace, labels: ["app": "bench-client"])
    }

    /// A router with `istio: ingressgateway`: it binds the fixture's Gateway.
    static func router() -> Envoy_Config_Core_V3_Node {
        let namespace = MeshFixture.gatewayNamespace
        return node(
            id: "router~10.253.0.1~ingress.\(namespace)~\(namespace).svc.cluster.local",
            namespace: namespace, labels: ["istio": "ingressgateway"])
    }

    static func node(id: String, namespace: String, labels: [String: String]) -> Envoy_Config_Core_V3_Node {
        var node = Envoy_Config_Core_V3_Node()
        node.id = id
        node.cluster = "bench.\(namespace)"
        node.metadata.fields["NAMESPACE"] = Google_Protobuf_Value(stringValue: namespace)
        var labelStruct = Google_Protobuf_Struct()
        for (key, value) in labels { labelStruct.fields[key] = Google_Protobuf_Value(stringValue: value) }
        node.metadata.fields["LABELS"] = Google_Protobuf_Value(structValue: labelStruct)
        return node
    }

    /// What an Envoy subscribes to for EDS after a CDS response: its EDS clusters.
    static func edsClusterNames(_ clusters: [Google_Protobuf_Any]) throws -> [String] {
        try clusters.compactMap { any in
            let cluster = try Envoy_Config_Cluster_V3_Cluster(unpackingAny: any)
            return cluster.type == .eds ? cluster.name : nil
        }.sorted()
    }

    /// What an Envoy subscribes to for RDS after an LDS response: the route tables its
    /// HTTP connection managers name.
    static func routeNames(_ listeners: [Google_Protobuf_Any]) throws -> [String] {
        var names: Set<String> = []
        for any in listeners {
            let listener = try Envoy_Config_Listener_V3_Listener(unpackingAny: any)
            for chain in listener.filterChains + (listener.hasDefaultFilterChain ? [listener.defaultFilterChain] : []) {
                for filter in chain.filters where filter.name == "envoy.filters.network.http_connection_manager" {
                    let manager = try Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_HttpConnectionManager(
                        unpackingAny: filter.typedConfig)
                    if case .rds(let rds)? = manager.routeSpecifier { names.insert(rds.routeConfigName) }
                }
            }
        }
        return names.sorted()
    }
}
