import Foundation
import Testing

/// Istio YAML in a watched directory, a real Envoy as the ingress gateway, and
/// backends that say who answered: the split, the matches and live edits are
/// checked on the traffic itself.
@Suite("Gateway traffic", .serialized)
struct GatewayTrafficTests {
    /// reviews v1, v2, v3 as WorkloadEntries behind a ServiceEntry, subsets by
    /// version, and a Gateway binding `gatewayPort` on 127.0.0.1.
    static func mesh(v1: Backend, v2: Backend, v3: Backend, gatewayPort: Int) -> String {
        """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: reviews, namespace: default}
        spec:
          hosts: [reviews.default.svc.cluster.local]
          location: MESH_INTERNAL
          ports: [{number: 9080, name: http, protocol: HTTP}]
          resolution: STATIC
          workloadSelector: {labels: {app: reviews}}
        ---
        apiVersion: networking.istio.io/v1
        kind: WorkloadEntry
        metadata: {name: reviews-v1, namespace: default}
        spec: {address: \(v1.host), ports: {http: \(v1.port)}, labels: {app: reviews, version: v1}}
        ---
        apiVersion: networking.istio.io/v1
        kind: WorkloadEntry
        metadata: {name: reviews-v2, namespace: default}
        spec: {address: \(v2.host), ports: {http: \(v2.port)}, labels: {app: reviews, version: v2}}
        ---
        apiVersion: networking.istio.io/v1
        kind: WorkloadEntry
        metadata: {name: reviews-v3, namespace: default}
        spec: {address: \(v3.host), ports: {http: \(v3.port)}, labels: {app: reviews, version: v3}}
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: reviews, namespace: default}
        spec:
          host: reviews
          subsets:
          - {name: v1, labels: {version: v1}}
          - {name: v2, labels: {version: v2}}
          - {name: v3, labels: {version: v3}}
        ---
        apiVersion: networking.istio.io/v1
        kind: Gateway
        metadata: {name: bookinfo-gateway, namespace: default}
        spec:
          selector: {istio: ingressgateway}
          servers:
          - port: {number: \(gatewayPort), name: http, protocol: HTTP}
            bind: 127.0.0.1
            hosts: ["*"]
        """
    }

    static func routes(v1Weight: Int, v2Weight: Int) -> String {
        """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews, namespace: default}
        spec:
          hosts: ["*"]
          gateways: [bookinfo-gateway]
          http:
          - match: [{headers: {end-user: {exact: jason}}}]
            route: [{destination: {host: reviews, subset: v3, port: {number: 9080}}}]
          - match: [{uri: {prefix: /v2/}}]
            route: [{destination: {host: reviews, subset: v2, port: {number: 9080}}}]
          - route:
            - {destination: {host: reviews, subset: v1, port: {number: 9080}}, weight: \(v1Weight)}
            - {destination: {host: reviews, subset: v2, port: {number: 9080}}, weight: \(v2Weight)}
        """
    }

    /// Starts the mesh with a 90/10 split and a gateway Envoy; returns the gateway URL.
    static func start(_ harness: MeshHarness) async throws -> String {
        let v1 = try await harness.backend("v1", host: "127.0.0.11")
        let v2 = try await harness.backend("v2", host: "127.0.0.12")
        let v3 = try await harness.backend("v3", host: "127.0.0.13")
        let gatewayPort = try LocalPorts.free()
        try harness.write(mesh(v1: v1, v2: v2, v3: v3, gatewayPort: gatewayPort), to: "mesh.yaml")
        try harness.write(routes(v1Weight: 90, v2Weight: 10), to: "routes.yaml")
        _ = try harness.envoy(type: "router", ip: "127.0.0.1", name: "ingressgateway", labels: ["istio": "ingressgateway"])
        let url = "http://127.0.0.1:\(gatewayPort)"
        try await MeshHarness.waitForBody("v3", at: url + "/", headers: [("end-user", "jason")], within: .seconds(60))
        return url
    }

    @Test("90/10 weights hold within 3 points over 2,000 requests; header and prefix matches route")
    func weightsAndMatches() async throws {
        let harness = try await MeshHarness("gateway-weights")
        let url = try await Self.start(harness)

        let counts = try await MeshHarness.tally(url + "/", count: 2000)
        #expect(counts.keys.allSatisfy { $0 == "v1" || $0 == "v2" }, "unexpected answers: \(counts)")
        let share = Double(counts["v1", default: 0]) / 20.0
        #expect((87.0...93.0).contains(share), "v1 got \(share)% of 2,000: \(counts)")

        #expect(try await MeshHarness.tally(url + "/", count: 20, headers: [("end-user", "jason")]) == ["v3": 20])
        #expect(try await MeshHarness.tally(url + "/v2/reviews/1", count: 20) == ["v2": 20])
        try await harness.expectNoRejects()
    }

    @Test("an edited VirtualService is in force within 1 s of the write, failing no request")
    func liveEdit() async throws {
        let harness = try await MeshHarness("gateway-edit")
        let url = try await Self.start(harness)
        try await MeshHarness.waitForBody("v1", at: url + "/", within: .seconds(30))

        let written = ContinuousClock.now
        try harness.write(Self.routes(v1Weight: 0, v2Weight: 100), to: "routes.yaml")
        // From the write on: every request succeeds, and after the switch only v2 answers.
        var switchedAt: ContinuousClock.Instant?
        var consecutiveV2 = 0
        var failures: [String] = []
        while ContinuousClock.now < written + .seconds(10) && consecutiveV2 < 50 {
            let reply = try await MeshHarness.request(url + "/")
            if reply.status != 200 { failures.append("\(reply.status) \(reply.body)") }
            if reply.body == "v2" {
                if consecutiveV2 == 0 { switchedAt = .now }
                consecutiveV2 += 1
            } else {
                consecutiveV2 = 0
            }
        }
        #expect(failures.isEmpty, "requests failed during the change: \(failures)")
        let switched = try #require(switchedAt, "the new split never took effect")
        let delay = written.duration(to: switched)
        #expect(delay < .seconds(1), "the edit took \(delay) to reach traffic")
        try await harness.expectNoRejects()
    }
}
