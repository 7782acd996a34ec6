import ControlPlane
import Discovery
import Foundation
import MetricsTestKit
import Testing
import XDS

/// What a change pushes: endpoint changes push EDS for the touched clusters only,
/// Sidecar changes go to their namespace, everything else is a full push.
@Suite("Push scope")
struct PushScopeTests {
    static let base = """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: reviews, namespace: default}
        spec:
          hosts: [reviews.default.svc.cluster.local]
          location: MESH_INTERNAL
          resolution: STATIC
          ports: [{number: 9080, name: http, protocol: HTTP}]
          workloadSelector: {labels: {app: reviews}}
        ---
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: ratings, namespace: default}
        spec:
          hosts: [ratings.default.svc.cluster.local]
          location: MESH_INTERNAL
          resolution: STATIC
          ports: [{number: 9080, name: http, protocol: HTTP}]
          workloadSelector: {labels: {app: ratings}}
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: reviews, namespace: default}
        spec: {host: reviews, subsets: [{name: v1, labels: {version: v1}}]}
        """

    /// Applies `changes` (file name → YAML) after `base` and returns the scope.
    func scope(after changes: [String: String]) throws -> PushScope {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("scope-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data(Self.base.utf8).write(to: directory.appendingPathComponent("base.yaml"))
        let store = ConfigStore(metricsFactory: TestMetrics())
        let source = DirectorySource(root: directory.path)
        for event in source.load() { store.ingest(event, from: source.name) }
        let before = PushContext(snapshot: store.snapshot)
        for (name, yaml) in changes { try Data(yaml.utf8).write(to: directory.appendingPathComponent(name)) }
        var events: [ConfigEvent] = []
        for event in source.load() { events += store.ingest(event, from: source.name) }
        return PushScope.of(events, before: before, after: PushContext(snapshot: store.snapshot))
    }

    @Test("a new workload of reviews pushes EDS for reviews' clusters only")
    func endpointOnly() throws {
        let scope = try scope(after: [
            "we.yaml": """
            apiVersion: networking.istio.io/v1
            kind: WorkloadEntry
            metadata: {name: reviews-v1, namespace: default}
            spec: {address: 127.0.0.5, labels: {app: reviews, version: v1}}
            """
        ])
        #expect(scope.reason == "endpoint")
        #expect(scope.namespaces == nil)
        #expect(
            scope.types == [
                .endpoint: [
                    "outbound|9080||reviews.default.svc.cluster.local", "outbound|9080|v1|reviews.default.svc.cluster.local",
                ]
            ])
    }

    @Test("a VirtualService regenerates routes and listeners only, for every proxy")
    func virtualService() throws {
        let scope = try scope(after: [
            "vs.yaml": """
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: reviews, namespace: default}
            spec: {hosts: [reviews], http: [{route: [{destination: {host: reviews}}]}]}
            """
        ])
        #expect(scope == PushScope(types: [.route: nil, .listener: nil], reason: "config", namespaces: nil))
    }

    @Test("an AuthorizationPolicy regenerates listeners only; a PeerAuthentication listeners, clusters and endpoints")
    func securityPolicies() throws {
        let authorization = try scope(after: [
            "authz.yaml": """
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: deny-all, namespace: default}
            spec: {}
            """
        ])
        #expect(authorization == PushScope(types: [.listener: nil], reason: "config", namespaces: nil))
        let peer = try scope(after: [
            "peer.yaml": """
            apiVersion: security.istio.io/v1
            kind: PeerAuthentication
            metadata: {name: default, namespace: default}
            spec: {mtls: {mode: STRICT}}
            """
        ])
        #expect(peer == PushScope(types: [.listener: nil, .cluster: nil, .endpoint: nil], reason: "config", namespaces: nil))
    }

    @Test("a new service is a full push")
    func newService() throws {
        let scope = try scope(after: [
            "se.yaml": """
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata: {name: details, namespace: default}
            spec: {hosts: [details.example.com], ports: [{number: 80, name: http}], resolution: DNS}
            """
        ])
        #expect(scope == .full())
    }

    @Test("a Sidecar concerns only the proxies of its namespace")
    func sidecar() throws {
        let scope = try scope(after: [
            "sidecar.yaml": """
            apiVersion: networking.istio.io/v1
            kind: Sidecar
            metadata: {name: default, namespace: team-a}
            spec: {egress: [{hosts: ["./*"]}]}
            """
        ])
        #expect(scope.namespaces == ["team-a"])
        #expect(scope.reason == "config")
    }
}
