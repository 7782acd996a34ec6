/// How long to wait before reconnecting after a failure: doubling from `initial` up to
/// `maximum`, each delay stretched by a random fraction (up to `jitter`) so that many
/// watches dropped together by a restarting API server do not all come back at once.
public struct KubernetesBackoff: Sendable, Hashable {
    public var initial: Duration
    public var maximum: Duration
    /// The largest random stretch, as a fraction of the delay (0.2 = up to 20% longer).
    public var jitter: Double

    public init(initial: Duration = .seconds(1), maximum: Duration = .seconds(30), jitter: Double = 0.2) {
        self.initial = initial
        self.maximum = maximum
        self.jitter = jitter
    }

    /// The delay before retry number `attempt` (0 for the first), given `random` in 0..<1.
    public func delay(attempt: Int, random: Double) -> Duration {
        var delay = initial
        for _ in 0..<min(attempt, 62) {
            delay *= 2
            if delay >= maximum { break }
        }
        delay = min(delay, maximum)
        // Whole milliseconds: finer is meaningless for a reconnect, and keeps delays comparable.
        let milliseconds = Double(delay.components.seconds) * 1_000 + Double(delay.components.attoseconds) / 1e15
        return .milliseconds(Int64((milliseconds * (1 + jitter * min(max(random, 0), 1))).rounded()))
    }
}
