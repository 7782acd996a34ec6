/// istiod's debounce: wait until changes stop for `quiet`, but never longer than
/// `maximum` after the first one, so a steady trickle still gets pushed. A plain
/// value with times passed in, so it is tested without clocks.
public struct Debouncer<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    public let quiet: Duration
    public let maximum: Duration
    public private(set) var first: Instant?
    public private(set) var last: Instant?
    /// Changes recorded since the last fire.
    public private(set) var count = 0

    public init(quiet: Duration, maximum: Duration) {
        self.quiet = quiet
        self.maximum = maximum
    }

    /// Notes a change at `now`.
    public mutating func record(at now: Instant) {
        if first == nil { first = now }
        last = now
        count += 1
    }

    /// When the pending changes are due, or nil when none are pending.
    public var deadline: Instant? {
        guard let first, let last else { return nil }
        let quietEnds = last.advanced(by: quiet)
        let limit = first.advanced(by: maximum)
        return quietEnds < limit ? quietEnds : limit
    }

    /// If the changes are due at `now`, forgets them and returns how long they
    /// waited since the first (for `pilot_debounce_time`); else nil.
    public mutating func fire(at now: Instant) -> Duration? {
        guard let deadline, let first, now >= deadline else { return nil }
        let waited = first.duration(to: now)
        self.first = nil
        self.last = nil
        count = 0
        return waited
    }
}
