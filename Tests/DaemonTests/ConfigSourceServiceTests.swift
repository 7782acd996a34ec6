import Discovery
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Metrics
import Prometheus
import Testing
import XDS

@testable import Daemon

@Suite("Config directories in serve")
struct ConfigSourceServiceTests {
    private let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    private func makeApplication(readiness: Readiness, store: ConfigStore) -> some ApplicationProtocol {
        let registry = PrometheusCollectorRegistry()
        let router = MonitoringRouter.build(
            registry: registry, processMetrics: ProcessMetricsCollector(registry: registry), readiness: readiness,
            xds: XDSServer(provider: EmptyMeshProvider()), config: store)
        return Application(router: router)
    }

    @Test("/ready turns 200 once the watched directory delivered its first state; configz lists objects")
    func readinessAndConfigz() async throws {
        let directory = try TemporaryDirectory()
        try directory.write(
            "mesh.yaml",
            """
            apiVersion: networking.istio.io/v1
            kind: WorkloadEntry
            metadata: {name: good, namespace: demo}
            spec: {address: 127.0.0.1, labels: {app: good}, futureField: 1}
            ---
            apiVersion: networking.istio.io/v1
            kind: WorkloadEntry
            metadata: {name: bad, namespace: demo}
            spec: {address: "no such address"}
            """)
        let broken = try directory.write("broken.yaml", "kind: [\n")
        let source = ConfigSourceService.sourceName(directory: directory.path)
        let readiness = Readiness(pendingSources: [source])
        let store = ConfigStore(metricsFactory: NOOPMetricsHandler.instance, logger: quiet)
        let app = makeApplication(readiness: readiness, store: store)
        let service = ConfigSourceService(directory: directory.path, store: store, readiness: readiness, logger: quiet)

        try await app.test(.router) { client in
            try await client.execute(uri: "/ready", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await service.run() }
                let deadline = ContinuousClock.now + .seconds(10)
                while !readiness.isReady || store.snapshot.unreadable.isEmpty, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(20))
                }
                group.cancelAll()
            }
            try await client.execute(uri: "/ready", method: .get) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/debug/configz", method: .get) { response in
                #expect(response.status == .ok)
                let json = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                let objects = try #require(json?["objects"] as? [[String: Any]])
                #expect(objects.count == 2)
                let bad = try #require(objects.first { ($0["key"] as? [String: Any])?["name"] as? String == "bad" })
                #expect(bad["status"] as? String == "rejected")
                #expect(
                    bad["messages"] as? [String]
                        == [#"WorkloadEntry demo/bad: spec.address: "no such address" is not an IP address, DNS name or unix:// path"#])
                #expect(bad["location"] as? String == "\(directory.path)/mesh.yaml:6:1")
                let good = try #require(objects.first { ($0["key"] as? [String: Any])?["name"] as? String == "good" })
                #expect(good["status"] as? String == "valid")
                #expect(good["apiVersion"] as? String == "networking.istio.io/v1")
                #expect(good["resourceVersion"] as? String != nil)
                #expect(good["warnings"] as? [String] == ["WorkloadEntry demo/good: spec.futureField: unknown field"])
                let unreadable = try #require(json?["unreadable"] as? [[String: Any]])
                #expect(unreadable.first?["location"] as? String == "\(broken):2:1")
            }
        }
    }
}
