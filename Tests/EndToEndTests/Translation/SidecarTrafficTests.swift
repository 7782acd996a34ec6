import Foundation
import Testing

/// Sidecars without iptables (`INTERCEPTION_MODE: NONE`): the Sidecar resource's
/// egress and ingress listeners bind real loopback ports, as Istio builds them for
/// workloads without capture, and mesh VirtualServices route between them.
@Suite("Sidecar traffic", .serialized)
struct SidecarTrafficTests {
    @Test("a caller's egress listener routes by the mesh VirtualService; a callee's ingress listener reaches its app")
    func egressAndIngress() async throws {
        let harness = try await MeshHarness("sidecar-traffic")
        let ratingsApp = try await harness.backend("ratings-app", host: "127.0.0.31")
        let v1 = try await harness.backend("v1", host: "127.0.0.32")
        let v2 = try await harness.backend("v2", host: "127.0.0.33")
        let egressPort = try LocalPorts.free(host: "127.0.0.34")
        let ingressPort = try LocalPorts.free(host: "127.0.0.35")
        try harness.write(
            """
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata: {name: reviews, namespace: default}
            spec:
              hosts: [reviews.default.svc.cluster.local]
              location: MESH_INTERNAL
              ports: [{number: \(egressPort), name: http, protocol: HTTP}]
              resolution: STATIC
              endpoints:
              - {address: \(v1.host), ports: {http: \(v1.port)}, labels: {version: v1}}
              - {address: \(v2.host), ports: {http: \(v2.port)}, labels: {version: v2}}
            ---
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: reviews, namespace: default}
            spec:
              host: reviews
              subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]
            ---
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: reviews, namespace: default}
            spec:
              hosts: [reviews]
              http:
              - match: [{headers: {end-user: {exact: jason}}}]
                route: [{destination: {host: reviews, subset: v2}}]
              - route: [{destination: {host: reviews, subset: v1}}]
            ---
            apiVersion: networking.istio.io/v1
            kind: Sidecar
            metadata: {name: productpage, namespace: default}
            spec:
              workloadSelector: {labels: {app: productpage}}
              egress:
              - port: {number: \(egressPort), protocol: HTTP, name: http}
                bind: 127.0.0.34
                captureMode: NONE
                hosts: ["./*"]
            ---
            apiVersion: networking.istio.io/v1
            kind: Sidecar
            metadata: {name: ratings, namespace: default}
            spec:
              workloadSelector: {labels: {app: ratings}}
              ingress:
              - port: {number: \(ingressPort), protocol: HTTP, name: http}
                bind: 127.0.0.35
                defaultEndpoint: \(ratingsApp.host):\(ratingsApp.port)
                captureMode: NONE
            """, to: "mesh.yaml")
        _ = try harness.envoy(type: "sidecar", ip: "127.0.0.34", name: "productpage", labels: ["app": "productpage"])
        _ = try harness.envoy(type: "sidecar", ip: "127.0.0.35", name: "ratings", labels: ["app": "ratings"])

        let egress = "http://127.0.0.34:\(egressPort)/"
        let host = ("host", "reviews.default.svc.cluster.local:\(egressPort)")
        try await MeshHarness.waitForBody("v2", at: egress, headers: [host, ("end-user", "jason")], within: .seconds(60))
        #expect(try await MeshHarness.tally(egress, count: 20, headers: [host]) == ["v1": 20])
        // The short name works from the service's own namespace, as in Istio.
        #expect(try await MeshHarness.tally(egress, count: 5, headers: [("host", "reviews:\(egressPort)")]) == ["v1": 5])

        try await MeshHarness.waitForBody("ratings-app", at: "http://127.0.0.35:\(ingressPort)/", within: .seconds(30))
        try await harness.expectNoRejects()
    }
}
