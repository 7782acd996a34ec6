import Discovery
import SwiftProtobuf
import XDS

/// Load assignments for `outbound|PORT|SUBSET|HOST` clusters: the service's
/// endpoints on the workload port, narrowed to the subset's labels, grouped by
/// locality, with Istio's mTLS marker for auto-mTLS.
struct EndpointGenerator {
    let context: PushContext

    /// The assignment for a cluster name, or nil when it names no known service
    /// port (a proxy may ask for clusters that just went away).
    func assignment(clusterName: String, proxy: MeshProxy) -> Envoy_Config_Endpoint_V3_ClusterLoadAssignment? {
        let parts = clusterName.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 4, parts[0] == "outbound", let number = Int(parts[1]) else { return nil }
        guard let service = context.service(parts[3], from: proxy.namespace), service.resolution == .endpoints,
            let port = service.port(number)
        else { return nil }
        var subset: DestinationRuleSpec.Subset?
        if !parts[2].isEmpty {
            let rule = context.destinationRule(for: service.hostname, serviceNamespace: service.namespace, from: proxy.namespace)
            guard let found = rule?.subset(parts[2]) else { return nil }
            subset = found
        }
        return assignment(service: service, port: port, subset: subset, clusterName: clusterName, dnsFallback: false)
    }

    func assignment(
        service: MeshService, port: MeshPort, subset: DestinationRuleSpec.Subset?, clusterName: String, dnsFallback: Bool
    ) -> Envoy_Config_Endpoint_V3_ClusterLoadAssignment {
        var endpoints = context.registry.endpoints(of: service)
        if let labels = subset?.labels, !labels.isEmpty {
            endpoints = endpoints.filter { $0.labels.matches(labels) }
        }
        var byLocality: [String: [Envoy_Config_Endpoint_V3_LbEndpoint]] = [:]
        for endpoint in endpoints {
            guard let target = endpoint.ports[port.number] else { continue }
            // A workload whose PeerAuthentication disables mTLS on this port loses
            // the mTLS marker, so callers' auto mTLS sends it plaintext, as istiod does.
            let mutualTLS = endpoint.acceptsIstioMutualTLS
                && context.peerAuthentication.mode(namespace: service.namespace, labels: endpoint.labels, port: target)
                    != .disable
            byLocality[endpoint.locality ?? "", default: []].append(
                lbEndpoint(endpoint, port: target, mutualTLS: mutualTLS))
        }
        if byLocality.isEmpty && dnsFallback {
            // A DNS entry without endpoints resolves its own hostname.
            byLocality[""] = [
                lbEndpoint(
                    MeshEndpoint(address: service.hostname, ports: [:]), port: port.targetPort ?? port.number,
                    mutualTLS: false)
            ]
        }
        var assignment = Envoy_Config_Endpoint_V3_ClusterLoadAssignment()
        assignment.clusterName = clusterName
        assignment.endpoints = byLocality.keys.sorted().map { key in
            var group = Envoy_Config_Endpoint_V3_LocalityLbEndpoints()
            let parts = key.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            // Always present: gRPC's xDS client rejects a group without a locality.
            group.locality = Envoy_Config_Core_V3_Locality()
            if !key.isEmpty {
                group.locality.region = parts[0]
                if parts.count > 1 { group.locality.zone = parts[1] }
                if parts.count > 2 { group.locality.subZone = parts[2] }
            }
            group.lbEndpoints = byLocality[key] ?? []
            group.loadBalancingWeight = Google_Protobuf_UInt32Value(UInt32(group.lbEndpoints.count))
            return group
        }
        return assignment
    }

    func lbEndpoint(_ endpoint: MeshEndpoint, port: Int, mutualTLS: Bool) -> Envoy_Config_Endpoint_V3_LbEndpoint {
        var envoyEndpoint = Envoy_Config_Endpoint_V3_Endpoint()
        envoyEndpoint.address = EnvoyBlocks.socketAddress(endpoint.address, port: port)
        var result = Envoy_Config_Endpoint_V3_LbEndpoint()
        result.endpoint = envoyEndpoint
        switch endpoint.health {
        case .healthy: result.healthStatus = .healthy
        case .draining: result.healthStatus = .draining
        case .unhealthy: result.healthStatus = .unhealthy
        }
        if let weight = endpoint.weight, weight > 0 {
            result.loadBalancingWeight = Google_Protobuf_UInt32Value(UInt32(weight))
        }
        if mutualTLS {
            var marker = Google_Protobuf_Struct()
            marker.fields["tlsMode"] = Google_Protobuf_Value(stringValue: "istio")
            result.metadata.filterMetadata["envoy.transport_socket_match"] = marker
        }
        return result
    }
}
