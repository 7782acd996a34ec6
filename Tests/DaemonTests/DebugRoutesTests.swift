import Foundation
import Hummingbird
import HummingbirdTesting
import Prometheus
import Testing
import XDS

@testable import Daemon

/// `/debug/syncz` and `/debug/config_dump` as served on the monitoring port. What
/// they show for a real connected Envoy is covered end to end (ProxyStatusTests).
@Suite("Debug endpoints")
struct DebugRoutesTests {
    private func makeApplication() -> some ApplicationProtocol {
        let registry = PrometheusCollectorRegistry()
        let router = MonitoringRouter.build(
            registry: registry, processMetrics: ProcessMetricsCollector(registry: registry),
            readiness: Readiness(pendingSources: []), xds: XDSServer(provider: EmptyMeshProvider()))
        return Application(router: router)
    }

    @Test("/debug/syncz is a JSON array, empty while no proxy is connected")
    func syncz() async throws {
        try await makeApplication().test(.router) { client in
            try await client.execute(uri: "/debug/syncz", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/json")
                #expect(String(buffer: response.body) == "[\n\n]")
            }
        }
    }

    @Test("/debug/config_dump for an unknown proxy is a 404 naming it; without a proxyID a 400")
    func unknownProxy() async throws {
        try await makeApplication().test(.router) { client in
            try await client.execute(uri: "/debug/config_dump?proxyID=sidecar~1.2.3.4~x.y~y.svc", method: .get) {
                response in
                #expect(response.status == .notFound)
                #expect(response.headers[.contentType] == "application/json")
                let body = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: String]
                #expect(body == ["error": "no proxy sidecar~1.2.3.4~x.y~y.svc is connected"])
            }
            try await client.execute(uri: "/debug/config_dump", method: .get) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains("proxyID"))
            }
        }
    }
}
