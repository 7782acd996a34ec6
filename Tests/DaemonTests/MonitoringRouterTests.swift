import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Prometheus
import Testing
import XDS

@testable import Daemon

@Suite("Monitoring endpoints")
struct MonitoringRouterTests {
    /// A router over a fresh registry, as `serve` builds it.
    private func makeApplication(readiness: Readiness) -> some ApplicationProtocol {
        let registry = PrometheusCollectorRegistry()
        BuildInfoMetrics.register(on: registry)
        let router = MonitoringRouter.build(
            registry: registry, processMetrics: ProcessMetricsCollector(registry: registry), readiness: readiness,
            xds: XDSServer(provider: EmptyMeshProvider()))
        return Application(router: router)
    }

    @Test("/metrics has the build gauges and plausible process metrics")
    func metrics() async throws {
        let app = makeApplication(readiness: Readiness(pendingSources: []))
        try await app.test(.router) { client in
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
                let samples = PrometheusText.samples(String(buffer: response.body))
                let version = ControldVersion.version
                #expect(samples[#"istio_build{component="pilot",tag="\#(version)"}"#] == 1)
                #expect(samples[#"controld_build_info{version="\#(version)"}"#] == 1)

                #if os(Linux)
                let now = Date().timeIntervalSince1970
                let start = try #require(samples["process_start_time_seconds"])
                #expect(start <= now + 1 && start > now - 3600)
                #expect(try #require(samples["process_resident_memory_bytes"]) > 1_000_000)
                #expect(
                    try #require(samples["process_virtual_memory_bytes"])
                        >= samples["process_resident_memory_bytes"]!)
                #expect(try #require(samples["process_cpu_seconds_total"]) > 0)
                #expect(try #require(samples["process_open_fds"]) >= 3)
                #expect(try #require(samples["process_max_fds"]) >= samples["process_open_fds"]!)
                #endif
            }
        }
    }

    @Test("/metrics types the process metrics as Prometheus' client libraries do")
    func metricTypes() async throws {
        let app = makeApplication(readiness: Readiness(pendingSources: []))
        try await app.test(.router) { client in
            try await client.execute(uri: "/metrics", method: .get) { response in
                let text = String(buffer: response.body)
                #expect(text.contains("# TYPE process_cpu_seconds_total counter\n"))
                for gauge in [
                    "process_resident_memory_bytes", "process_virtual_memory_bytes", "process_open_fds",
                    "process_max_fds", "process_start_time_seconds", "istio_build", "controld_build_info",
                ] {
                    #expect(text.contains("# TYPE \(gauge) gauge\n"))
                }
            }
        }
    }

    @Test("/ready answers 503 until every source has synced, then 200")
    func readiness() async throws {
        let readiness = Readiness(pendingSources: ["config-dir a", "config-dir b"])
        let app = makeApplication(readiness: readiness)
        try await app.test(.router) { client in
            try await client.execute(uri: "/ready", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(String(buffer: response.body) == "not ready: waiting for config-dir a, config-dir b\n")
            }
            readiness.markSynced("config-dir a")
            try await client.execute(uri: "/ready", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
            }
            readiness.markSynced("config-dir b")
            try await client.execute(uri: "/ready", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == "ok\n")
            }
        }
    }

    @Test("/healthz answers 200")
    func healthz() async throws {
        let app = makeApplication(readiness: Readiness(pendingSources: ["never"]))
        try await app.test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
            }
        }
    }
}
