import SwiftProtobuf
import Testing
@testable import XDS

@Suite("Proxy node")
struct ProxyNodeTests {
    static func node(_ id: String, cluster: String = "", metadata: [String: Google_Protobuf_Value] = [:]) -> Envoy_Config_Core_V3_Node {
        var node = Envoy_Config_Core_V3_Node()
        node.id = id
        node.cluster = cluster
        node.metadata = Google_Protobuf_Struct(fields: metadata)
        return node
    }

    /// The error a node is refused with, or nil when it is accepted.
    static func refusal(_ node: Envoy_Config_Core_V3_Node) -> String? {
        do {
            _ = try ProxyNode(node)
            return nil
        } catch {
            return error.description
        }
    }

    @Test("a sidecar's id and the metadata Istio's agent sets")
    func sidecar() throws {
        let labels = Google_Protobuf_Struct(fields: [
            "app": Google_Protobuf_Value(stringValue: "reviews"),
            "version": Google_Protobuf_Value(stringValue: "v1"),
            "security.istio.io/tlsMode": Google_Protobuf_Value(stringValue: "istio"),
        ])
        let node = Self.node(
            "sidecar~10.1.2.3~reviews-v1-7f9c.bookinfo~bookinfo.svc.cluster.local",
            cluster: "reviews.bookinfo",
            metadata: [
                "NAMESPACE": Google_Protobuf_Value(stringValue: "bookinfo"),
                "LABELS": Google_Protobuf_Value(structValue: labels),
                "INSTANCE_IPS": Google_Protobuf_Value(stringValue: "10.1.2.3,fd00::3"),
                "ISTIO_VERSION": Google_Protobuf_Value(stringValue: "1.24.1"),
                "SERVICE_ACCOUNT": Google_Protobuf_Value(stringValue: "bookinfo-reviews"),
                "CLUSTER_ID": Google_Protobuf_Value(stringValue: "Kubernetes"),
                "INTERCEPTION_MODE": Google_Protobuf_Value(stringValue: "NONE"),
                "ANNOTATIONS": Google_Protobuf_Value(structValue: Google_Protobuf_Struct(fields: [
                    "sidecar.istio.io/inject": Google_Protobuf_Value(stringValue: "true")
                ])),
            ]
        )
        let proxy = try ProxyNode(node)
        #expect(proxy.id == node.id)
        #expect(proxy.kind == .sidecar)
        #expect(proxy.ipAddresses == ["10.1.2.3", "fd00::3"])
        #expect(proxy.workloadID == "reviews-v1-7f9c.bookinfo")
        #expect(proxy.dnsDomain == "bookinfo.svc.cluster.local")
        #expect(proxy.cluster == "reviews.bookinfo")
        #expect(proxy.namespace == "bookinfo")
        #expect(proxy.metadata.labels == ["app": "reviews", "version": "v1", "security.istio.io/tlsMode": "istio"])
        #expect(proxy.metadata.annotations == ["sidecar.istio.io/inject": "true"])
        #expect(proxy.metadata.istioVersion == "1.24.1")
        #expect(proxy.metadata.serviceAccount == "bookinfo-reviews")
        #expect(proxy.metadata.clusterID == "Kubernetes")
        #expect(proxy.metadata.interceptionMode == "NONE")
    }

    @Test("a gateway without metadata: the namespace comes from the id, the address too")
    func routerWithoutMetadata() throws {
        let proxy = try ProxyNode(Self.node(
            "router~10.0.0.9~istio-ingressgateway-5d8f.istio-system~istio-system.svc.cluster.local"
        ))
        #expect(proxy.kind == .router)
        #expect(proxy.ipAddresses == ["10.0.0.9"])
        #expect(proxy.namespace == "istio-system")
        #expect(proxy.metadata.labels.isEmpty)
        #expect(proxy.metadata.namespace == nil)
        #expect(proxy.metadata.istioVersion == nil)
    }

    @Test("NAMESPACE metadata wins over the id")
    func namespaceFromMetadata() throws {
        let proxy = try ProxyNode(Self.node(
            "sidecar~10.0.0.1~pod.from-id~from-id.svc.cluster.local",
            metadata: ["NAMESPACE": Google_Protobuf_Value(stringValue: "from-metadata")]
        ))
        #expect(proxy.namespace == "from-metadata")
    }

    @Test("an id without a namespace part has no namespace")
    func noNamespace() throws {
        let proxy = try ProxyNode(Self.node("sidecar~10.0.0.1~vm-1~svc.cluster.local"))
        #expect(proxy.namespace == "")
    }

    @Test("every proxy type Istio knows", arguments: ProxyNode.Kind.allCases)
    func kinds(kind: ProxyNode.Kind) throws {
        let proxy = try ProxyNode(Self.node("\(kind.rawValue)~10.0.0.1~pod.ns~ns.svc.cluster.local"))
        #expect(proxy.kind == kind)
    }

    @Test("an IPv6 address in the id")
    func ipv6() throws {
        let proxy = try ProxyNode(Self.node("sidecar~fd00:10::1~pod.ns~ns.svc.cluster.local"))
        #expect(proxy.ipAddresses == ["fd00:10::1"])
    }

    @Test("INSTANCE_IPS replaces the id's address")
    func instanceIPs() throws {
        let proxy = try ProxyNode(Self.node(
            "sidecar~10.0.0.1~pod.ns~ns.svc.cluster.local",
            metadata: ["INSTANCE_IPS": Google_Protobuf_Value(stringValue: "10.0.0.2, 10.0.0.3")]
        ))
        #expect(proxy.ipAddresses == ["10.0.0.2", "10.0.0.3"])
    }

    // MARK: Refusals

    @Test("an empty id is refused and the message says so")
    func emptyID() {
        let message = Self.refusal(Self.node(""))
        #expect(message?.contains("empty") == true)
        #expect(message?.contains("TYPE~IP~ID~DNSDOMAIN") == true)
    }

    @Test("an id with the wrong number of parts is refused with the count", arguments: [
        ("sidecar", 1),
        ("sidecar~10.0.0.1~pod.ns", 3),
        ("sidecar~10.0.0.1~pod.ns~ns.svc.cluster.local~extra", 5),
    ])
    func wrongPartCount(id: String, parts: Int) {
        let message = Self.refusal(Self.node(id))
        #expect(message?.contains("\(parts) part") == true)
        #expect(message?.contains("expected 4") == true)
        #expect(message?.contains(id) == true)
    }

    @Test("an unknown proxy type is refused, naming it and the known ones")
    func unknownType() {
        let message = Self.refusal(Self.node("gateway~10.0.0.1~pod.ns~ns.svc.cluster.local"))
        #expect(message?.contains("unknown proxy type \"gateway\"") == true)
        #expect(message?.contains("sidecar") == true)
        #expect(message?.contains("router") == true)
    }

    @Test("the type is case sensitive, as in Istio")
    func typeCase() {
        #expect(Self.refusal(Self.node("Sidecar~10.0.0.1~pod.ns~ns.svc.cluster.local"))?.contains("unknown proxy type") == true)
    }

    @Test("an address that is not an IP is refused, naming it", arguments: ["10.0.0.300", "localhost", "", "10.0.0"])
    func badIP(ip: String) {
        let message = Self.refusal(Self.node("sidecar~\(ip)~pod.ns~ns.svc.cluster.local"))
        #expect(message?.contains("\"\(ip)\" is not an IP address") == true)
    }

    @Test("a bad address in INSTANCE_IPS is refused, and the message says it is from INSTANCE_IPS")
    func badInstanceIP() {
        let message = Self.refusal(Self.node(
            "sidecar~10.0.0.1~pod.ns~ns.svc.cluster.local",
            metadata: ["INSTANCE_IPS": Google_Protobuf_Value(stringValue: "10.0.0.2,not-an-ip")]
        ))
        #expect(message?.contains("\"not-an-ip\" is not an IP address") == true)
        #expect(message?.contains("INSTANCE_IPS") == true)
    }

    @Test("an empty ID part is refused")
    func emptyIDPart() {
        let message = Self.refusal(Self.node("sidecar~10.0.0.1~~ns.svc.cluster.local"))
        #expect(message?.contains("ID part is empty") == true)
    }
}
