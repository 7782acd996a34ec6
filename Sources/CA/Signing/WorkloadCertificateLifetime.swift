/// How long issued workload certificates live (`--workload-cert-ttl`,
/// `--max-workload-cert-ttl`).
public struct WorkloadCertificateLifetime: Sendable, Equatable {
    /// Used when a request does not ask for a lifetime: Istio's 24 hours.
    public var defaultLifetime: Duration
    /// The longest lifetime granted; longer requests are capped to it (Istio: 90 days).
    public var maximumLifetime: Duration

    public init(defaultLifetime: Duration = .seconds(24 * 3600), maximumLifetime: Duration = .seconds(90 * 24 * 3600)) {
        self.defaultLifetime = defaultLifetime
        self.maximumLifetime = maximumLifetime
    }

    /// The lifetime granted for a request's `validity_duration` (seconds; 0 or
    /// negative means "not asked").
    public func granted(requestedSeconds: Int64) -> Duration {
        let wanted: Duration = requestedSeconds > 0 ? .seconds(requestedSeconds) : defaultLifetime
        return min(wanted, maximumLifetime)
    }
}
