import ControlPlane
import Discovery
import Testing

/// How PeerAuthentications combine into what a workload's port accepts, the way
/// Istio composes them.
@Suite("PeerAuthentication")
struct PeerAuthenticationTests {
    static func policy(_ namespace: String, _ name: String, mode: String?, selector: String? = nil, ports: String? = nil, created: String? = nil) -> String {
        var spec: [String] = []
        if let mode { spec.append("mtls: {mode: \(mode)}") }
        if let selector { spec.append("selector: {matchLabels: {\(selector)}}") }
        if let ports { spec.append("portLevelMtls: {\(ports)}") }
        let timestamp = created.map { ", creationTimestamp: \"\($0)\"" } ?? ""
        return """
            apiVersion: security.istio.io/v1
            kind: PeerAuthentication
            metadata: {name: \(name), namespace: \(namespace)\(timestamp)}
            spec: {\(spec.joined(separator: ", "))}
            ---

            """
    }

    @Test("nothing written is PERMISSIVE; mesh-wide, then namespace, then workload, then port")
    func precedence() throws {
        let context = try PushContextTests.context(
            Self.policy("istio-system", "default", mode: "STRICT")
                + Self.policy("legacy", "default", mode: "DISABLE")
                + Self.policy("shop", "default", mode: "UNSET")
                + Self.policy("shop", "db", mode: "PERMISSIVE", selector: "app: db", ports: "\"5432\": {mode: DISABLE}, \"9000\": {mode: UNSET}"))
        let index = context.peerAuthentication
        #expect(PushContext(snapshot: ConfigSnapshot()).peerAuthentication.mode(namespace: "x", labels: [:], port: 80) == .permissive)
        #expect(index.mode(namespace: "anywhere", labels: [:], port: 80) == .strict)
        #expect(index.mode(namespace: "legacy", labels: [:], port: 80) == .disable)
        // UNSET inherits the mesh-wide STRICT.
        #expect(index.mode(namespace: "shop", labels: ["app": "web"], port: 80) == .strict)
        #expect(index.mode(namespace: "shop", labels: ["app": "db"], port: 80) == .permissive)
        #expect(index.mode(namespace: "shop", labels: ["app": "db"], port: 5432) == .disable)
        #expect(index.mode(namespace: "shop", labels: ["app": "db"], port: 9000) == .permissive)
        // A selector only reaches its own namespace.
        #expect(index.mode(namespace: "other", labels: ["app": "db"], port: 5432) == .strict)
        // Callers plan by the namespace's mode, not by one workload's.
        #expect(index.namespaceMode("shop") == .strict)
        #expect(index.namespaceMode("legacy") == .disable)
    }

    @Test("of two namespace-wide policies, or two selecting one workload, the oldest wins")
    func oldestWins() throws {
        let context = try PushContextTests.context(
            Self.policy("shop", "newer", mode: "STRICT", created: "2026-02-01T00:00:00Z")
                + Self.policy("shop", "older", mode: "DISABLE", created: "2026-01-01T00:00:00Z")
                + Self.policy("shop", "b", mode: "STRICT", selector: "app: web", created: "2026-03-01T00:00:00Z")
                + Self.policy("shop", "a", mode: "PERMISSIVE", selector: "app: web", created: "2026-03-02T00:00:00Z"))
        #expect(context.peerAuthentication.mode(namespace: "shop", labels: [:], port: nil) == .disable)
        #expect(context.peerAuthentication.mode(namespace: "shop", labels: ["app": "web"], port: nil) == .strict)
    }
}
