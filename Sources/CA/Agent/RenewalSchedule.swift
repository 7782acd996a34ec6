public import Foundation

/// When the agent should next ask the CA for a certificate. A plain value: every
/// method takes the current time, so tests drive it with any clock they like.
///
/// Istio's rules: renew when `graceRatio` of the certificate's lifetime is left
/// (0.5: at half-life), the ratio jittered by up to ±`jitterRatio` so a fleet issued
/// together does not renew together; on failure retry with exponential backoff,
/// capped; a failure never discards the certificate held, which stays in use until
/// it expires.
public struct RenewalSchedule: Sendable {
    /// The settings of the schedule.
    public struct Policy: Sendable, Equatable {
        /// The fraction of the lifetime still left when renewal starts, in (0, 1).
        public var graceRatio: Double
        /// The most the ratio is moved, either way, per certificate (Istio: 0.01).
        public var jitterRatio: Double
        /// The wait after the first failure; each further failure doubles it.
        public var initialBackoff: Duration
        /// The longest wait between attempts.
        public var maxBackoff: Duration

        public init(
            graceRatio: Double = 0.5,
            jitterRatio: Double = 0.01,
            initialBackoff: Duration = .seconds(1),
            maxBackoff: Duration = .seconds(30)
        ) {
            self.graceRatio = graceRatio
            self.jitterRatio = jitterRatio
            self.initialBackoff = initialBackoff
            self.maxBackoff = maxBackoff
        }
    }

    /// What the agent should do now.
    public enum Action: Sendable, Equatable {
        /// Call the CA.
        case renew
        /// Nothing until then.
        case wait(until: Date)
    }

    public let policy: Policy
    /// When the certificate held expires; nil before the first one arrives.
    public private(set) var expiresAt: Date?
    /// When the certificate held is due for renewal.
    public private(set) var renewAt: Date?
    /// Failed attempts since the last success.
    public private(set) var failures = 0
    /// When to try again after a failure; nil when the last attempt succeeded.
    public private(set) var retryAt: Date?

    public init(policy: Policy) {
        self.policy = policy
    }

    /// The next step at `now`.
    public func nextAction(at now: Date) -> Action {
        // A failed attempt is retried on its own timetable, even when the regular
        // renewal time has passed meanwhile.
        if let retryAt {
            return now >= retryAt ? .renew : .wait(until: retryAt)
        }
        guard let renewAt else { return .renew }
        return now >= renewAt ? .renew : .wait(until: renewAt)
    }

    /// Records a certificate valid until `notAfter`, received at `now`.
    ///
    /// The lifetime counts from receipt, not from the certificate's notBefore, as
    /// Istio's agent does: CAs backdate notBefore for clock skew, and counting from
    /// it would renew early, very early for short lifetimes.
    public mutating func issued(notAfter: Date, at now: Date, using generator: inout some RandomNumberGenerator) {
        let lifetime = notAfter.timeIntervalSince(now)
        let jitter = policy.jitterRatio > 0
            ? Double.random(in: -policy.jitterRatio...policy.jitterRatio, using: &generator)
            : 0
        let ratio = min(max(policy.graceRatio + jitter, 0), 1)
        expiresAt = notAfter
        renewAt = notAfter.addingTimeInterval(-max(lifetime, 0) * ratio)
        failures = 0
        retryAt = nil
    }

    /// Records a failed attempt at `now`: the CA was unreachable, refused, or sent
    /// something unusable. The certificate held, if any, is kept.
    public mutating func failed(at now: Date) {
        failures += 1
        retryAt = now.addingTimeInterval(backoff(afterFailures: failures).inSeconds)
    }

    /// The wait after `count` consecutive failures: initial × 2^(count-1), capped.
    public func backoff(afterFailures count: Int) -> Duration {
        guard count > 0 else { return .zero }
        var delay = policy.initialBackoff
        for _ in 1..<count {
            delay *= 2
            if delay >= policy.maxBackoff { return policy.maxBackoff }
        }
        return min(delay, policy.maxBackoff)
    }

    /// Whether a certificate is held and still valid at `now`: until then it is
    /// served, whatever the CA says.
    public func holdsValidCertificate(at now: Date) -> Bool {
        guard let expiresAt else { return false }
        return now < expiresAt
    }
}

extension Duration {
    /// The duration in seconds, as Foundation's dates count.
    var inSeconds: TimeInterval {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
