public import Logging
import Metrics
public import Prometheus

/// The process-wide logging and metrics setup of `controld serve`.
///
/// swift-log and swift-metrics each accept one bootstrap per process, so this is
/// the only place that touches their global state.
public enum ProcessBootstrap {
    /// Routes logs to stderr in `format` and makes swift-metrics record into
    /// `registry`, which the monitoring server emits.
    public static func bootstrap(level: Logger.Level, format: LogFormat, registry: PrometheusCollectorRegistry) {
        LoggingBootstrap.bootstrap(level: level, format: format)
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
    }
}
