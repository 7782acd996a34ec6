import Logging

/// Tuning and test seams for ``KubernetesSource``. The defaults are client-go's where it has one.
public struct KubernetesSourceOptions: Sendable {
    /// Objects per list page (`limit`).
    public var pageSize: Int
    /// Each watch asks the server to end it after a random number of seconds in this range
    /// (client-go uses 5–10 minutes), so watches do not all reconnect together.
    public var watchTimeoutSeconds: ClosedRange<Int>
    /// A watch that delivers nothing (no event, no bookmark) for this long is closed and
    /// opened again from the last resourceVersion: a half-dead connection (a NAT or load
    /// balancer that dropped it without a reset) must not freeze the mesh until the
    /// server's own timeout, which such a connection never delivers. API servers send a
    /// bookmark about every minute, so a live watch never stays silent this long.
    public var watchIdleTimeout: Duration
    /// Delays between attempts after a failed list or a dropped watch.
    public var backoff: KubernetesBackoff
    /// How often a kind that is not served (CRD not installed) is tried again.
    public var missingKindRetryInterval: Duration
    /// Waits between attempts; tests replace it to record delays without waiting them out.
    public var sleep: @Sendable (Duration) async throws -> Void
    /// A random number in 0..<1, for jitter and watch timeouts; injectable for tests.
    public var random: @Sendable () -> Double
    public var logger: Logger

    public init(
        pageSize: Int = 500,
        watchTimeoutSeconds: ClosedRange<Int> = 300...600,
        watchIdleTimeout: Duration = .seconds(300),
        backoff: KubernetesBackoff = KubernetesBackoff(),
        missingKindRetryInterval: Duration = .seconds(30),
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        logger: Logger = Logger(label: "controld.discovery.kubernetes")
    ) {
        self.pageSize = pageSize
        self.watchTimeoutSeconds = watchTimeoutSeconds
        self.watchIdleTimeout = watchIdleTimeout
        self.backoff = backoff
        self.missingKindRetryInterval = missingKindRetryInterval
        self.sleep = sleep
        self.random = random
        self.logger = logger
    }
}
