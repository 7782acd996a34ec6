import Metrics

/// The xDS server's metrics, with istiod's names so its dashboards work unchanged.
/// istiod's counters carry no `_total` suffix; the names here are exported as written.
struct XDSMetrics: Sendable {
    /// Where metrics go: the process's bootstrapped factory, or one a test provides.
    let factory: any MetricsFactory

    /// istiod's `pilot_xds`: connected proxies, per Istio version they report.
    func connectedProxies(version: String, count: Int) {
        Gauge(label: "pilot_xds", dimensions: [("version", version)], factory: factory).record(count)
    }

    func pushed(_ type: TypeURL, bytes: Int, pushDuration: Duration, sendDuration: Duration) {
        Counter(label: "pilot_xds_pushes", dimensions: [("type", type.shortName)], factory: factory).increment()
        Recorder(label: "pilot_xds_config_size_bytes", dimensions: [("type", type.shortName)], factory: factory).record(bytes)
        Timer(label: "pilot_xds_push_time", dimensions: [("type", type.shortName)], factory: factory).recordNanoseconds(pushDuration.nanoseconds)
        Timer(label: "pilot_xds_send_time", dimensions: [], factory: factory).recordNanoseconds(sendDuration.nanoseconds)
    }

    func rejected(_ type: TypeURL) {
        Counter(label: "pilot_total_xds_rejects", dimensions: [("type", type.shortName)], factory: factory).increment()
    }

    func expiredNonce(_ type: TypeURL) {
        Counter(label: "pilot_xds_expired_nonce", dimensions: [("type", type.shortName)], factory: factory).increment()
    }

    func converged(after duration: Duration) {
        Timer(label: "pilot_proxy_convergence_time", dimensions: [], factory: factory).recordNanoseconds(duration.nanoseconds)
    }

    func internalError() {
        Counter(label: "pilot_total_xds_internal_errors", dimensions: [], factory: factory).increment()
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
