public import Foundation

/// When to replace a self-signed root: Istio's rule, as a pure function.
///
/// A root is rotated once less than `graceRatio` of its life remains, so workloads
/// have that long to learn the new root (it is added to the trust bundle beside the
/// old one) before the old one expires.
public struct RootRotationPolicy: Sendable, Equatable {
    /// What to do with the current root.
    public enum Decision: Sendable, Equatable {
        /// The root has enough life left.
        case keep
        /// The root is inside its grace period (or already expired): make a new one.
        case rotate
    }

    /// The fraction of the root's life, counted back from its expiry, in which it
    /// is rotated. Istio's default is 0.2.
    public var graceRatio: Double
    /// How often the rotation timer checks (Istio: hourly).
    public var checkInterval: Duration

    public init(graceRatio: Double = 0.2, checkInterval: Duration = .seconds(3600)) {
        self.graceRatio = min(max(graceRatio, 0), 1)
        self.checkInterval = checkInterval
    }

    /// The moment from which a root valid from `notBefore` to `notAfter` is rotated.
    public func rotationTime(notBefore: Date, notAfter: Date) -> Date {
        let life = notAfter.timeIntervalSince(notBefore)
        return notAfter.addingTimeInterval(-life * graceRatio)
    }

    /// Keep or rotate a root valid from `notBefore` to `notAfter`, at `now`.
    public func decide(now: Date, notBefore: Date, notAfter: Date) -> Decision {
        now >= rotationTime(notBefore: notBefore, notAfter: notAfter) ? .rotate : .keep
    }
}
