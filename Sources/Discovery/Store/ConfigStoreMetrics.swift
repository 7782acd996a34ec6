import Metrics

/// The store's metrics, named as istiod names them so dashboards keep working.
struct ConfigStoreMetrics: Sendable {
    let factory: any MetricsFactory

    /// `pilot_k8s_cfg_events{type,event}`: type is the lowercased kind.
    func recordEvent(_ event: ConfigEvent) {
        Counter(
            label: "pilot_k8s_cfg_events",
            dimensions: [("type", event.key.kind.lowercased()), ("event", event.kind.rawValue)],
            factory: factory
        ).increment()
    }

    /// `controld_config_rejected{kind}`: objects refused by validation or decoding.
    func recordRejection(_ rejection: Rejection) {
        Counter(label: "controld_config_rejected", dimensions: [("kind", rejection.key.kind)], factory: factory)
            .increment()
    }
}
