import ControlPlane
import Foundation
import Testing
import XDS

/// Replicas of one workload share route tables; anything that changes a table
/// (labels a route matches on, a new configuration) gets its own.
@Suite("Mesh provider")
struct MeshProviderTests {
    static let mesh = """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: reviews, namespace: default}
        spec:
          hosts: [reviews.default.svc.cluster.local]
          location: MESH_INTERNAL
          resolution: STATIC
          ports: [{number: 9080, name: http, protocol: HTTP}]
          endpoints: [{address: 127.0.0.41, labels: {version: v1}}, {address: 127.0.0.42, labels: {version: v2}}]
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: reviews, namespace: default}
        spec: {host: reviews, subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]}
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews, namespace: default}
        spec:
          hosts: [reviews]
          http:
          - match: [{sourceLabels: {app: canary}}]
            route: [{destination: {host: reviews, subset: v2}}]
          - route: [{destination: {host: reviews, subset: v1}}]
        """

    static func node(_ address: String, app: String) throws -> ProxyNode {
        try GoldenRenderer.node(
            id: "sidecar~\(address)~\(app)-\(address).default~default.svc.cluster.local", namespace: "default",
            labels: ["app": app], interceptionNone: false)
    }

    /// The reviews clusters the table routes to (the allow-any host is left out).
    static func clusters(in table: XDSResource) throws -> Set<String> {
        let routes = try Envoy_Config_Route_V3_RouteConfiguration(serializedBytes: table.payload)
        return Set(routes.virtualHosts.flatMap(\.routes).map(\.route.cluster).filter { $0.hasPrefix("outbound|") })
    }

    @Test("replicas get the same table; a label a route matches on gets its own; a new context rebuilds")
    func sharing() async throws {
        let provider = MeshProvider(context: try PushContextTests.context(Self.mesh))
        let first = try await provider.resources(.route, for: try Self.node("10.0.0.1", app: "web"), names: ["9080"])
        let replica = try await provider.resources(.route, for: try Self.node("10.0.0.2", app: "web"), names: ["9080"])
        let canary = try await provider.resources(.route, for: try Self.node("10.0.0.3", app: "canary"), names: ["9080"])
        #expect(first.map(\.name) == ["9080"])
        #expect(replica == first)
        #expect(try Self.clusters(in: try #require(first.first)) == ["outbound|9080|v1|reviews.default.svc.cluster.local"])
        #expect(try Self.clusters(in: try #require(canary.first)) == ["outbound|9080|v2|reviews.default.svc.cluster.local"])

        provider.context = try PushContextTests.context(Self.mesh.replacingOccurrences(of: "subset: v1}}]", with: "subset: v2}}]"))
        let after = try await provider.resources(.route, for: try Self.node("10.0.0.2", app: "web"), names: ["9080"])
        #expect(try Self.clusters(in: try #require(after.first)) == ["outbound|9080|v2|reviews.default.svc.cluster.local"])
    }
}
