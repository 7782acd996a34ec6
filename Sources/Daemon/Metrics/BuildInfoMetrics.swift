public import Prometheus

/// Gauges that identify the running build, always 1.
///
/// `istio_build{component="pilot",tag=VERSION}` is istiod's own build gauge, so
/// Istio's dashboards and alerts find controld; `controld_build_info` says which
/// controld it is.
public enum BuildInfoMetrics {
    /// Registers both gauges on `registry` with `version` as their version label.
    public static func register(on registry: PrometheusCollectorRegistry, version: String = ControldVersion.version) {
        registry.makeGauge(
            descriptor: .exact("istio_build", help: "Istio component build info"),
            labels: [("component", "pilot"), ("tag", version)]
        ).set(to: 1.0)
        registry.makeGauge(
            descriptor: .exact("controld_build_info", help: "controld build info"),
            labels: [("version", version)]
        ).set(to: 1.0)
    }
}
