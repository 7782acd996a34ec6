public import ControlPlane
public import Discovery
public import Hummingbird
public import Prometheus
public import XDS

/// The routes served on the monitoring port (15014): `/metrics`, `/ready`, `/healthz`,
/// the xDS debug endpoints `/debug/syncz` and `/debug/config_dump`, and
/// `/debug/configz` (the ConfigStore's objects) when a store is given.
///
/// Built separately from the server so tests can drive it in memory.
public enum MonitoringRouter {
    /// Prometheus' text exposition format, version 0.0.4.
    public static let metricsContentType = "text/plain; version=0.0.4; charset=utf-8"

    /// A router answering from `registry`, `processMetrics`, `readiness` and the
    /// xDS server `xds`.
    public static func build(
        registry: PrometheusCollectorRegistry,
        processMetrics: ProcessMetricsCollector,
        readiness: Readiness,
        xds: XDSServer,
        config: ConfigStore? = nil,
        push: PushController? = nil
    ) -> Router<BasicRequestContext> {
        let router = Router()
        router.get("metrics") { _, _ -> Response in
            processMetrics.update()
            let body = registry.emitToBuffer()
            return Response(
                status: .ok,
                headers: [.contentType: metricsContentType],
                body: .init(byteBuffer: ByteBuffer(bytes: body))
            )
        }
        router.get("ready") { _, _ -> Response in
            if readiness.isReady {
                return plainText(.ok, "ok\n")
            }
            let waiting = readiness.pendingSources.joined(separator: ", ")
            return plainText(.serviceUnavailable, "not ready: waiting for \(waiting)\n")
        }
        router.get("healthz") { _, _ -> Response in
            plainText(.ok, "ok\n")
        }
        DebugRoutes.add(to: router, server: xds)
        if let config { ConfigzRoute.add(to: router, store: config) }
        if let push { PushStatusRoute.add(to: router, controller: push) }
        return router
    }

    private static func plainText(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(
            status: status,
            headers: [.contentType: "text/plain; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: text))
        )
    }
}
