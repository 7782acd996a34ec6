import ControlPlane
import Testing

/// Which AuthorizationPolicies and RequestAuthentications apply to which proxy.
@Suite("Security: policy selection")
struct PolicySelectionTests {
    typealias F = SecurityFixtures

    static let yaml =
        F.policy("mesh-wide", namespace: "istio-system", spec: "action: DENY\nrules:\n- from:\n  - source: {namespaces: [evil]}")
        + F.policy("mesh-selector", namespace: "istio-system", spec: "selector: {matchLabels: {app: httpbin}}\nrules:\n- {}")
        + F.policy("ns-wide", namespace: "foo", spec: "action: AUDIT\nrules:\n- {}")
        + F.policy("httpbin-only", namespace: "foo", spec: "selector: {matchLabels: {app: httpbin, version: v1}}\nrules:\n- {}")
        + F.policy("other-app", namespace: "foo", spec: "selector: {matchLabels: {app: sleep}}\nrules:\n- {}")
        + F.policy("other-ns", namespace: "bar", spec: "{}")
        + F.policy("gateway-target", namespace: "foo", spec: """
            targetRefs:
            - {group: gateway.networking.k8s.io, kind: Gateway, name: web}
            rules:
            - {}
            """)
        + F.requestAuthentication("ns-jwt", namespace: "foo", spec: "jwtRules:\n- {issuer: foo-issuer, jwks: '{\"keys\":[]}'}")
        + F.requestAuthentication("bar-jwt", namespace: "bar", spec: "jwtRules:\n- {issuer: bar-issuer, jwks: '{\"keys\":[]}'}")

    static func names(_ labels: [String: String], namespace: String = "foo") throws -> [String] {
        let context = try F.context(Self.yaml)
        let found = context.authorization.authorizationPolicies(for: try F.proxy(namespace: namespace, labels: labels))
        return (found.custom + found.deny + found.audit + found.allow).map { "\($0.namespace)/\($0.name)" }
    }

    @Test("root-namespace policies apply mesh-wide, namespace policies to their namespace, selectors narrow")
    func selection() throws {
        #expect(try Self.names(["app": "httpbin", "version": "v1"]) == [
            "istio-system/mesh-wide", "foo/ns-wide", "istio-system/mesh-selector", "foo/httpbin-only",
        ])
        #expect(try Self.names(["app": "httpbin", "version": "v2"]) == [
            "istio-system/mesh-wide", "foo/ns-wide", "istio-system/mesh-selector",
        ])
        #expect(try Self.names(["app": "sleep"]) == ["istio-system/mesh-wide", "foo/ns-wide", "foo/other-app"])
        #expect(try Self.names(["app": "x"], namespace: "baz") == ["istio-system/mesh-wide"])
    }

    @Test("a policy with targetRefs never applies to a sidecar; it applies to the Gateway API gateway it names")
    func targetRefs() throws {
        #expect(try !Self.names(["app": "web"]).contains("foo/gateway-target"))
        let gateway = ["gateway.networking.k8s.io/gateway-name": "web"]
        #expect(try Self.names(gateway).contains("foo/gateway-target"))
        #expect(try !Self.names(["gateway.networking.k8s.io/gateway-name": "other"]).contains("foo/gateway-target"))
        #expect(try !Self.names(gateway, namespace: "bar").contains("foo/gateway-target"), "only in the policy's namespace")
    }

    @Test("RequestAuthentications are selected the same way")
    func requestAuthentications() throws {
        let context = try F.context(Self.yaml)
        let foo = context.authorization.requestAuthentications(for: try F.proxy())
        #expect(foo.map(\.name) == ["ns-jwt"])
        let baz = context.authorization.requestAuthentications(for: try F.proxy(namespace: "baz"))
        #expect(baz.isEmpty)
    }

    @Test("another namespace's policies produce no filters")
    func otherNamespace() throws {
        let context = try F.context(F.policy("deny-all", namespace: "bar", spec: "{}"))
        let filters = InboundPolicyFilters(context: context, proxy: try F.proxy())
        #expect(try filters.httpFilters().isEmpty)
        let barFilters = InboundPolicyFilters(context: context, proxy: try F.proxy(namespace: "bar"))
        #expect(try barFilters.httpFilters().count == 1)
    }

    @Test("MeshConfig rootNamespace moves the mesh-wide scope")
    func rootNamespace() throws {
        var mesh = MeshConfig()
        mesh.rootNamespace = "mesh-root"
        let context = try F.context(
            F.policy("a", namespace: "mesh-root", spec: "{}") + F.policy("b", namespace: "istio-system", spec: "{}"), mesh: mesh)
        let found = context.authorization.authorizationPolicies(for: try F.proxy())
        #expect(found.allow.map(\.name) == ["a"])
    }
}
