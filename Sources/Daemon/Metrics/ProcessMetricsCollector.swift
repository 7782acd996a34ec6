public import Prometheus
import Synchronization

/// Keeps Prometheus' standard `process_*` metrics in a registry, refreshed from
/// `/proc` each time ``update()`` runs (the monitoring server calls it per scrape).
///
/// Names and types follow Prometheus' own client libraries: `process_cpu_seconds_total`
/// is a counter, the rest are gauges, so the usual dashboards work unchanged.
public final class ProcessMetricsCollector: Sendable {
    private let cpuSeconds: Counter
    private let residentMemory: Gauge
    private let virtualMemory: Gauge
    private let startTime: Gauge
    private let openFileDescriptors: Gauge
    private let maxFileDescriptors: Gauge
    /// CPU seconds already added to the counter, which only grows by increments.
    private let reportedCPUSeconds = Mutex<Double>(0)

    /// Registers the metrics on `registry` and fills them once.
    public init(registry: PrometheusCollectorRegistry) {
        cpuSeconds = registry.makeCounter(
            descriptor: .exact("process_cpu_seconds_total", help: "Total user and system CPU time spent in seconds."))
        residentMemory = registry.makeGauge(
            descriptor: .exact("process_resident_memory_bytes", help: "Resident memory size in bytes."))
        virtualMemory = registry.makeGauge(
            descriptor: .exact("process_virtual_memory_bytes", help: "Virtual memory size in bytes."))
        startTime = registry.makeGauge(
            descriptor: .exact("process_start_time_seconds", help: "Start time of the process since unix epoch in seconds."))
        openFileDescriptors = registry.makeGauge(
            descriptor: .exact("process_open_fds", help: "Number of open file descriptors."))
        maxFileDescriptors = registry.makeGauge(
            descriptor: .exact("process_max_fds", help: "Maximum number of open file descriptors."))
        update()
    }

    /// Reads current values; a platform without `/proc` leaves the metrics as they were.
    public func update() {
        guard let stats = ProcessStats.current() else { return }
        apply(stats)
    }

    func apply(_ stats: ProcessStats) {
        reportedCPUSeconds.withLock { reported in
            let delta = stats.cpuSeconds - reported
            if delta > 0 {
                cpuSeconds.increment(by: delta)
                reported = stats.cpuSeconds
            }
        }
        residentMemory.set(stats.residentMemoryBytes)
        virtualMemory.set(stats.virtualMemoryBytes)
        startTime.set(stats.startTimeSeconds)
        openFileDescriptors.set(stats.openFileDescriptors)
        if let limit = stats.maxFileDescriptors {
            maxFileDescriptors.set(limit)
        }
    }
}
