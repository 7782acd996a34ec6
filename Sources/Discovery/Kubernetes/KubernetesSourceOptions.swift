import Logging

/// Tuning and test seams for ``KubernetesSource``. The defaults are client-go's where it has one.
public struct KubernetesSourceOptions: Sendable {
    /// Objects per list page (`limit`).
    public var pageSize: Int
    /// Each watch asks the server to end it after a random number of seconds in this range
    /// (client-go uses 5–10 minutes), so watches do not all reconnect together.
    public var watchTimeoutSeconds: ClosedRange<Int>
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
        backoff: KubernetesBackoff = KubernetesBackoff(),
        missingKindRetryInterval: Duration = .seconds(30),
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        logger: Logger = Logger(label: "controld.discovery.kubernetes")
    ) {
        self.pageSize = pageSize
        self.watchTimeoutSeconds = watchTimeoutSeconds
        self.backoff = backoff
        self.missingKindRetryInterval = missingKindRetryInterval
        self.sleep = sleep
        self.random = random
        self.logger = logger
    }
}
