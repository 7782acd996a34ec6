import Foundation
import Testing

/// Issue #7 with real traffic: PeerAuthentication, AuthorizationPolicy and
/// RequestAuthentication enforced by three Envoy sidecars whose certificates come
/// from their node agents. Serialized: each test runs its own mesh of three Envoys
/// and agents, and the machines are small.
@Suite("Security: policy enforced by Envoy", .serialized, .timeLimit(.minutes(5)))
struct SecurityPolicyTests {
    static func peerAuthentication(_ mode: String) -> String {
        """
        apiVersion: security.istio.io/v1
        kind: PeerAuthentication
        metadata: {name: default, namespace: default}
        spec:
          mtls: {mode: \(mode)}
        """
    }

    @Test("STRICT takes only mesh mTLS; PERMISSIVE takes plaintext too; switching to STRICT fails no mesh request")
    func peerAuthentication() async throws {
        let trio = try await PolicyTrio.start("policy-peer", base: 0, policy: Self.peerAuthentication("STRICT"))
        let mesh = try await trio.send(.GET, "/api/x", from: trio.frontend)
        #expect(mesh.status == 200 && mesh.body == "backend", "\(mesh)")
        // The application learns who called, from the verified certificate.
        let seen = try await trio.app.requests(under: "/api/x").last
        let forwarded = seen?.header("x-forwarded-client-cert") ?? ""
        #expect(forwarded.contains("URI=spiffe://cluster.local/ns/default/sa/frontend"), "\(forwarded)")
        #expect(
            (try? await trio.sendDirect("/api/x")) == nil, "a plaintext request reached a STRICT listener")

        try trio.mesh.write(Self.peerAuthentication("PERMISSIVE"), to: "policy.yaml")
        _ = try await SecureMesh.eventually("plaintext accepted under PERMISSIVE", within: .seconds(30)) {
            try await trio.sendDirect("/direct").status == 200
        }
        #expect(try await trio.send(.GET, "/api/x", from: trio.frontend).status == 200)

        // PERMISSIVE → STRICT under load: the frontend already speaks mTLS, so no
        // request of its fails; plaintext stops being accepted.
        let probe = TrafficProbe(
            url: "http://\(trio.frontend.ip):\(trio.port)/probe", headers: [("host", "\(PolicyTrio.host):\(trio.port)")],
            body: "backend", interval: .milliseconds(20))
        try await Task.sleep(for: .seconds(1))
        try trio.mesh.write(Self.peerAuthentication("STRICT"), to: "policy.yaml")
        _ = try await SecureMesh.eventually("plaintext refused again under STRICT", within: .seconds(30)) {
            (try? await trio.sendDirect("/direct")) == nil
        }
        try await Task.sleep(for: .seconds(1))
        let tally = await probe.stop()
        #expect(tally.failures.isEmpty, "\(tally)")
        #expect(tally.succeeded >= 20, "\(tally)")
        // The mesh traffic was mTLS all along: the backend's inbound listener counted handshakes.
        let handshakes = try await trio.backend.envoy.statSum(
            prefix: "listener.\(trio.backend.ip)_\(trio.port).", suffix: ".ssl.handshake")
        #expect(handshakes > 0)
        try await trio.mesh.expectNoRejects()
    }

    static let zeroTrust = peerAuthentication("STRICT") + """

        ---
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: deny-all, namespace: default}
        spec: {}
        """

    static let allowFrontend = """
        ---
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: allow-frontend-to-backend, namespace: default}
        spec:
          selector: {matchLabels: {app: backend}}
          action: ALLOW
          rules:
          - from: [{source: {principals: [cluster.local/ns/default/sa/frontend]}}]
            to: [{operation: {methods: [GET, POST], paths: ["/api/*"]}}]
        """

    static let denySecret = """
        ---
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: deny-secret, namespace: default}
        spec:
          selector: {matchLabels: {app: backend}}
          action: DENY
          rules:
          - to: [{operation: {paths: [/api/secret]}}]
        """

    @Test("deny-all, then allow the frontend GET/POST on /api/*: everything else is 403, and DENY wins over ALLOW")
    func zeroTrustAuthorization() async throws {
        let trio = try await PolicyTrio.start("policy-authz", base: 10, policy: Self.peerAuthentication("STRICT"))
        #expect(try await trio.send(.GET, "/api/x", from: trio.outsider).status == 200)

        try trio.mesh.write(Self.zeroTrust, to: "policy.yaml")
        try await trio.waitFor(403, "/api/x", from: trio.frontend)

        try trio.mesh.write([Self.zeroTrust, Self.allowFrontend].joined(separator: "\n"), to: "policy.yaml")
        try await trio.waitFor(200, "/api/x", from: trio.frontend)
        #expect(try await trio.send(.POST, "/api/x", from: trio.frontend).status == 200)
        let delete = try await trio.send(.DELETE, "/api/x", from: trio.frontend)
        #expect(delete.status == 403 && delete.body.contains("RBAC"), "\(delete)")
        #expect(try await trio.send(.GET, "/admin", from: trio.frontend).status == 403)
        #expect(try await trio.send(.GET, "/api/x", from: trio.outsider).status == 403)
        // Denied requests never reached the application.
        #expect(try await trio.app.requests().allSatisfy { $0.method != "DELETE" && $0.path != "/admin" })

        try trio.mesh.write([Self.zeroTrust, Self.allowFrontend, Self.denySecret].joined(separator: "\n"), to: "policy.yaml")
        try await trio.waitFor(403, "/api/secret", from: trio.frontend)
        #expect(try await trio.send(.GET, "/api/x", from: trio.frontend).status == 200)
        try await trio.mesh.expectNoRejects()
    }

    static let issuer = "https://issuer.e2e.example"

    static func requestAuthentication(jwks: String, requirePrincipal: Bool) -> String {
        var yaml = peerAuthentication("STRICT") + """

            ---
            apiVersion: security.istio.io/v1
            kind: RequestAuthentication
            metadata: {name: backend-jwt, namespace: default}
            spec:
              selector: {matchLabels: {app: backend}}
              jwtRules:
              - issuer: \(issuer)
                jwks: '\(jwks)'
            """
        if requirePrincipal {
            yaml += """

                ---
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: require-jwt, namespace: default}
                spec:
                  selector: {matchLabels: {app: backend}}
                  rules:
                  - from: [{source: {requestPrincipals: ["\(issuer)/alice"]}}]
                """
        }
        return yaml
    }

    @Test("RequestAuthentication: a valid token passes, an expired or foreign one is 401; requestPrincipals makes one required")
    func requestAuthentication() async throws {
        let trio = try await PolicyTrio.start("policy-jwt", base: 20, policy: Self.peerAuthentication("STRICT"))
        let keys = trio.mesh.scratch.url.appendingPathComponent("jwt-issuer", isDirectory: true)
        let stranger = trio.mesh.scratch.url.appendingPathComponent("jwt-stranger", isDirectory: true)
        for directory in [keys, stranger] {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        }
        let signer = try await ServiceAccountTokens.make(in: keys)
        let impostor = try await ServiceAccountTokens.make(in: stranger)
        let jwks = try String(contentsOf: signer.jwksPath, encoding: .utf8)
        let now = Int(Date().timeIntervalSince1970)
        let claims: [String: Any] = ["iss": Self.issuer, "sub": "alice", "iat": now, "exp": now + 3600]
        let valid = try await signer.sign(claims)
        let expired = try await signer.sign(claims.merging(["iat": now - 7200, "exp": now - 3600]) { $1 })
        let foreign = try await impostor.sign(claims)
        let bearer = { (token: String) in [("authorization", "Bearer \(token)")] }

        try trio.mesh.write(Self.requestAuthentication(jwks: jwks, requirePrincipal: false), to: "policy.yaml")
        try await trio.waitFor(401, "/api/x", from: trio.frontend, headers: bearer(expired))
        #expect(try await trio.send(.GET, "/api/x", from: trio.frontend, headers: bearer(valid)).status == 200)
        #expect(try await trio.send(.GET, "/api/x", from: trio.frontend, headers: bearer(foreign)).status == 401)
        // No token at all passes authentication; authorization decides.
        #expect(try await trio.send(.GET, "/api/x", from: trio.frontend).status == 200)

        try trio.mesh.write(Self.requestAuthentication(jwks: jwks, requirePrincipal: true), to: "policy.yaml")
        try await trio.waitFor(403, "/api/x", from: trio.frontend)
        #expect(try await trio.send(.GET, "/api/x", from: trio.frontend, headers: bearer(valid)).status == 200)
        #expect(try await trio.send(.GET, "/api/x", from: trio.frontend, headers: bearer(expired)).status == 401)
        try await trio.mesh.expectNoRejects()
    }
}
