import Discovery
import Foundation

/// Objects in the shape the API server returns them (managedFields, status, annotations
/// and all), spread over namespaces like a real cluster: what the Kubernetes source hands
/// the ConfigStore after a list.
enum SyntheticCluster {
    static let location = SourceLocation.kubernetes(server: "https://10.96.0.1:443")

    /// `count` Services, one port or two, in `namespaces` namespaces.
    static func services(_ count: Int, namespaces: Int) -> [RawObject] {
        (0..<count).map { index in
            let namespace = "ns-\(index % namespaces)"
            let name = "svc-\(index)"
            let extraPort = index % 3 == 0 ? #",{"name":"grpc","port":9090,"protocol":"TCP","targetPort":9090}"# : ""
            let json = """
                {"apiVersion":"v1","kind":"Service","metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{\\"apiVersion\\":\\"v1\\",\\"kind\\":\\"Service\\",\\"metadata\\":{\\"annotations\\":{},\\"labels\\":{\\"app\\":\\"\(name)\\"},\\"name\\":\\"\(name)\\",\\"namespace\\":\\"\(namespace)\\"},\\"spec\\":{\\"ports\\":[{\\"name\\":\\"http\\",\\"port\\":8080}],\\"selector\\":{\\"app\\":\\"\(name)\\"}}}\\n"},"creationTimestamp":"2025-03-14T09:26:53Z","labels":{"app":"\(name)","service":"\(name)"},"managedFields":[{"apiVersion":"v1","fieldsType":"FieldsV1","fieldsV1":{"f:metadata":{"f:annotations":{".":{},"f:kubectl.kubernetes.io/last-applied-configuration":{}},"f:labels":{".":{},"f:app":{},"f:service":{}}},"f:spec":{"f:internalTrafficPolicy":{},"f:ports":{".":{},"k:{\\"port\\":8080,\\"protocol\\":\\"TCP\\"}":{".":{},"f:name":{},"f:port":{},"f:protocol":{},"f:targetPort":{}}},"f:selector":{},"f:sessionAffinity":{},"f:type":{}}},"manager":"kubectl-client-side-apply","operation":"Update","time":"2025-03-14T09:26:53Z"}],"name":"\(name)","namespace":"\(namespace)","resourceVersion":"\(100_000 + index)","uid":"\(uid(index, 1))"},"spec":{"clusterIP":"\(ip(10, 96, index))","clusterIPs":["\(ip(10, 96, index))"],"internalTrafficPolicy":"Cluster","ipFamilies":["IPv4"],"ipFamilyPolicy":"SingleStack","ports":[{"name":"http","port":8080,"protocol":"TCP","targetPort":8080}\(extraPort)],"selector":{"app":"\(name)"},"sessionAffinity":"None","type":"ClusterIP"},"status":{"loadBalancer":{}}}
                """
            return raw("", "Service", "v1", namespace, name, index, json)
        }
    }

    /// `count` EndpointSlices of three endpoints each, one per Service.
    static func endpointSlices(_ count: Int, namespaces: Int) -> [RawObject] {
        (0..<count).map { index in
            let namespace = "ns-\(index % namespaces)"
            let service = "svc-\(index)"
            let name = "\(service)-x7k2p"
            let endpoints = (0..<3).map { replica in
                """
                {"addresses":["\(ip(10, 244, index * 3 + replica))"],"conditions":{"ready":true,"serving":true,"terminating":false},"nodeName":"node-\(replica)","targetRef":{"kind":"Pod","name":"\(service)-5b5d6494f4-\(replica)","namespace":"\(namespace)","uid":"\(uid(index * 3 + replica, 2))"},"zone":"us-east-1\(["a", "b", "c"][replica])"}
                """
            }.joined(separator: ",")
            let json = """
                {"addressType":"IPv4","apiVersion":"discovery.k8s.io/v1","endpoints":[\(endpoints)],"kind":"EndpointSlice","metadata":{"annotations":{"endpoints.kubernetes.io/last-change-trigger-time":"2025-03-14T09:27:31Z"},"creationTimestamp":"2025-03-14T09:26:53Z","generateName":"\(service)-","generation":4,"labels":{"app":"\(service)","endpointslice.kubernetes.io/managed-by":"endpointslice-controller.k8s.io","kubernetes.io/service-name":"\(service)"},"managedFields":[{"apiVersion":"discovery.k8s.io/v1","fieldsType":"FieldsV1","fieldsV1":{"f:addressType":{},"f:endpoints":{},"f:metadata":{"f:annotations":{".":{},"f:endpoints.kubernetes.io/last-change-trigger-time":{}},"f:generateName":{},"f:labels":{".":{},"f:app":{},"f:endpointslice.kubernetes.io/managed-by":{},"f:kubernetes.io/service-name":{}},"f:ownerReferences":{".":{},"k:{\\"uid\\":\\"\(uid(index, 1))\\"}":{}}},"f:ports":{}},"manager":"kube-controller-manager","operation":"Update","time":"2025-03-14T09:27:31Z"}],"name":"\(name)","namespace":"\(namespace)","ownerReferences":[{"apiVersion":"v1","blockOwnerDeletion":true,"controller":true,"kind":"Service","name":"\(service)","uid":"\(uid(index, 1))"}],"resourceVersion":"\(200_000 + index)","uid":"\(uid(index, 3))"},"ports":[{"name":"http","port":8080,"protocol":"TCP"}]}
                """
            return raw("discovery.k8s.io", "EndpointSlice", "discovery.k8s.io/v1", namespace, name, index, json)
        }
    }

    /// `count` Istio objects: VirtualServices and DestinationRules (two fifths each),
    /// ServiceEntries and AuthorizationPolicies (a tenth each), for the Services above.
    static func istio(_ count: Int, namespaces: Int) -> [RawObject] {
        (0..<count).map { index in
            let namespace = "ns-\(index % namespaces)"
            let service = "svc-\(index)"
            let metadata = """
                "creationTimestamp":"2025-03-14T09:30:00Z","generation":1,"managedFields":[{"apiVersion":"networking.istio.io/v1","fieldsType":"FieldsV1","fieldsV1":{"f:spec":{".":{}}},"manager":"kubectl-client-side-apply","operation":"Update","time":"2025-03-14T09:30:00Z"}],"name":"\(service)","namespace":"\(namespace)","resourceVersion":"\(300_000 + index)","uid":"\(uid(index, 4))"
                """
            switch index % 10 {
            case 0...3:
                let json = """
                    {"apiVersion":"networking.istio.io/v1","kind":"VirtualService","metadata":{\(metadata)},"spec":{"hosts":["\(service)"],"http":[{"name":"canary","match":[{"headers":{"end-user":{"exact":"jason"}},"uri":{"prefix":"/api"}}],"route":[{"destination":{"host":"\(service)","subset":"v2"}}],"fault":{"delay":{"percentage":{"value":10},"fixedDelay":"2s"}}},{"route":[{"destination":{"host":"\(service)","subset":"v1"},"weight":90},{"destination":{"host":"\(service)","subset":"v2"},"weight":10}],"timeout":"10s","retries":{"attempts":3,"perTryTimeout":"2s","retryOn":"gateway-error,connect-failure,refused-stream"}}]}}
                    """
                return raw("networking.istio.io", "VirtualService", "networking.istio.io/v1", namespace, service, index, json)
            case 4...7:
                let json = """
                    {"apiVersion":"networking.istio.io/v1","kind":"DestinationRule","metadata":{\(metadata)},"spec":{"host":"\(service)","trafficPolicy":{"connectionPool":{"tcp":{"maxConnections":100},"http":{"http1MaxPendingRequests":1024,"maxRequestsPerConnection":10}},"outlierDetection":{"consecutive5xxErrors":5,"interval":"10s","baseEjectionTime":"30s"},"loadBalancer":{"simple":"LEAST_REQUEST"},"tls":{"mode":"ISTIO_MUTUAL"}},"subsets":[{"name":"v1","labels":{"version":"v1"}},{"name":"v2","labels":{"version":"v2"},"trafficPolicy":{"loadBalancer":{"simple":"ROUND_ROBIN"}}}]}}
                    """
                return raw("networking.istio.io", "DestinationRule", "networking.istio.io/v1", namespace, service, index, json)
            case 8:
                let json = """
                    {"apiVersion":"networking.istio.io/v1","kind":"ServiceEntry","metadata":{\(metadata)},"spec":{"hosts":["api-\(index).example.com"],"location":"MESH_EXTERNAL","ports":[{"number":443,"name":"https","protocol":"TLS"}],"resolution":"DNS"}}
                    """
                return raw("networking.istio.io", "ServiceEntry", "networking.istio.io/v1", namespace, service, index, json)
            default:
                let json = """
                    {"apiVersion":"security.istio.io/v1","kind":"AuthorizationPolicy","metadata":{\(metadata)},"spec":{"selector":{"matchLabels":{"app":"\(service)"}},"action":"ALLOW","rules":[{"from":[{"source":{"principals":["cluster.local/ns/\(namespace)/sa/frontend"]}}],"to":[{"operation":{"methods":["GET","POST"],"paths":["/api/*"]}}]}]}}
                    """
                return raw("security.istio.io", "AuthorizationPolicy", "security.istio.io/v1", namespace, service, index, json)
            }
        }
    }

    private static func raw(
        _ group: String, _ kind: String, _ apiVersion: String, _ namespace: String, _ name: String, _ index: Int,
        _ json: String
    ) -> RawObject {
        RawObject(
            key: ObjectKey(group: group, kind: kind, namespace: namespace, name: name), apiVersion: apiVersion,
            resourceVersion: String(index), json: Data(json.utf8), location: location)
    }

    private static func ip(_ first: Int, _ second: Int, _ index: Int) -> String {
        "\(first).\(second + index / 65_536 % 4).\(index / 256 % 256).\(index % 256)"
    }

    private static func uid(_ index: Int, _ salt: Int) -> String {
        let hex = String(format: "%012x", index &* 2_654_435_761 &+ salt)
        return "5b7e0f0e-6d1c-4f63-9d0a-\(hex.suffix(12))"
    }
}
