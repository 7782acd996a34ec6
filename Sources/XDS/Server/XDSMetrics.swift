import Metrics

/// The xDS server's metrics, with istiod's names so its dashboards work unchanged.
/// istiod's counters carry no `_total` suffix; the names here are exported as written.
struct XDSMetrics: Sendable {
    /// istiod's `pilot_xds`: connected proxies, per Istio version they report.
    func connectedProxies(version: String, count: Int) {
        Gauge(label: "pilot_xds", dimensions: [("version", version)]).record(count)
    }

    func pushed(_ type: TypeURL, bytes: Int, pushDuration: Duration, sendDuration: Duration) {
        Counter(label: "pilot_xds_pushes", dimensions: [("type", type.shortName)]).increment()
        Recorder(label: "pilot_xds_config_size_bytes", dimensions: [("type", type.shortName)]).record(bytes)
        Timer(label: "pilot_xds_push_time", dimensions: [("type", type.shortName)]).recordNanoseconds(pushDuration.nanoseconds)
        Timer(label: "pilot_xds_send_time").recordNanoseconds(sendDuration.nanoseconds)
    }

    func rejected(_ type: TypeURL) {
        Counter(label: "pilot_total_xds_rejects", dimensions: [("type", type.shortName)]).increment()
    }

    func expiredNonce(_ type: TypeURL) {
        Counter(label: "pilot_xds_expired_nonce", dimensions: [("type", type.shortName)]).increment()
    }

    func converged(after duration: Duration) {
        Timer(label: "pilot_proxy_convergence_time").recordNanoseconds(duration.nanoseconds)
    }

    func internalError() {
        Counter(label: "pilot_total_xds_internal_errors").increment()
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
