import Prometheus

extension MetricNameDescriptor {
    /// A descriptor whose name is exactly `name`: Istio's and Prometheus' metric
    /// names are facts to match, not parts to assemble.
    static func exact(_ name: String, help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }
}
