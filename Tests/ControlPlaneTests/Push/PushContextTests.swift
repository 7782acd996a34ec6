import ControlPlane
import Discovery
import Foundation
import MetricsTestKit
import Testing
import XDS

/// How the PushContext resolves what a proxy sees, the way Istio resolves it.
@Suite("Push context")
struct PushContextTests {
    static func context(_ yaml: String) throws -> PushContext {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("context-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data(yaml.utf8).write(to: directory.appendingPathComponent("mesh.yaml"))
        let store = ConfigStore(metricsFactory: TestMetrics())
        let source = DirectorySource(root: directory.path)
        for event in source.load() { store.ingest(event, from: source.name) }
        #expect(store.snapshot.rejections.isEmpty)
        return PushContext(snapshot: store.snapshot)
    }

    static func rule(_ namespace: String, host: String, subset: String) -> String {
        """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: \(subset), namespace: \(namespace)}
        spec: {host: "\(host)", subsets: [{name: \(subset), labels: {v: \(subset)}}]}
        ---

        """
    }

    @Test("DestinationRules: the proxy's namespace first, then the service's, then the root namespace")
    func destinationRuleLookup() throws {
        let context = try Self.context(
            Self.rule("istio-system", host: "reviews.prod.svc.cluster.local", subset: "root")
                + Self.rule("prod", host: "reviews", subset: "service")
                + Self.rule("team-a", host: "reviews.prod.svc.cluster.local", subset: "client"))
        let host = "reviews.prod.svc.cluster.local"
        #expect(context.destinationRule(for: host, serviceNamespace: "prod", from: "team-a")?.name == "client")
        #expect(context.destinationRule(for: host, serviceNamespace: "prod", from: "team-b")?.name == "service")
        #expect(context.destinationRule(for: "other.x.svc.cluster.local", serviceNamespace: "x", from: "team-b") == nil)
    }

    @Test("an exact host wins over a wildcard in the same namespace; rules for one host merge their subsets")
    func destinationRuleSpecificity() throws {
        let context = try Self.context(
            Self.rule("prod", host: "*.prod.svc.cluster.local", subset: "wild")
                + Self.rule("prod", host: "reviews", subset: "exact")
                + Self.rule("prod", host: "reviews.prod.svc.cluster.local", subset: "more"))
        let rule = try #require(
            context.destinationRule(for: "reviews.prod.svc.cluster.local", serviceNamespace: "prod", from: "prod"))
        #expect(rule.host == "reviews.prod.svc.cluster.local")
        #expect(Set((rule.spec.subsets ?? []).map(\.name)) == ["exact", "more"])
        #expect(context.destinationRule(for: "ratings.prod.svc.cluster.local", serviceNamespace: "prod", from: "prod")?.name == "wild")
    }

    @Test("exportTo hides a service from other namespaces; a Sidecar's egress hosts narrow what a proxy sees")
    func visibility() throws {
        let context = try Self.context(
            """
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata: {name: private, namespace: a}
            spec: {hosts: [private.a.svc.cluster.local], exportTo: ["."], ports: [{number: 80, name: http}], resolution: DNS}
            ---
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata: {name: public, namespace: b}
            spec: {hosts: [public.b.svc.cluster.local], ports: [{number: 80, name: http}], resolution: DNS}
            ---
            apiVersion: networking.istio.io/v1
            kind: Sidecar
            metadata: {name: default, namespace: c}
            spec: {egress: [{hosts: ["a/*"]}]}
            """)
        func visible(_ namespace: String) throws -> [String] {
            let node = try GoldenRenderer.node(
                id: "sidecar~10.0.0.1~pod.\(namespace)~\(namespace).svc.cluster.local", namespace: namespace, labels: [:],
                interceptionNone: true)
            return context.visibleServices(for: MeshProxy(node)).map(\.hostname)
        }
        #expect(try visible("a") == ["private.a.svc.cluster.local", "public.b.svc.cluster.local"])
        #expect(try visible("b") == ["public.b.svc.cluster.local"])
        // c's Sidecar admits only namespace a, whose service is not exported to c.
        #expect(try visible("c") == [])
    }

    @Test("gateway references resolve as Istio reads them: name, ns/name, name.ns.svc.DOMAIN")
    func gatewayReferences() throws {
        let context = try Self.context(
            """
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: web, namespace: shop}
            spec:
              hosts: [web.example.com]
              gateways: [edge, front, istio-system/ingress, public.gateways.svc.cluster.local]
              http: [{route: [{destination: {host: web}}]}]
            """)
        let gateways = try #require(context.virtualServices.first?.gateways)
        #expect(gateways == ["shop/edge", "shop/front", "istio-system/ingress", "gateways/public"])
        #expect(context.virtualServices(gateway: "shop/edge", from: "shop").map(\.name) == ["web"])
        #expect(context.virtualServices(gateway: "mesh", from: "shop").isEmpty)
    }

    @Test("host matching is Istio's: a wildcard covers names and narrower wildcards, either way round")
    func hostMatching() {
        #expect(HostMatch.matches("reviews.default.svc.cluster.local", pattern: "*.svc.cluster.local"))
        #expect(HostMatch.matches("*.svc.cluster.local", pattern: "reviews.default.svc.cluster.local"))
        #expect(HostMatch.matches("*.example.com", pattern: "*.shop.example.com"))
        #expect(HostMatch.matches("*.shop.example.com", pattern: "*.example.com"))
        #expect(!HostMatch.matches("shop.example.com", pattern: "*.other.com"))
        #expect(!HostMatch.matches("a.example.com", pattern: "b.example.com"))
    }
}
