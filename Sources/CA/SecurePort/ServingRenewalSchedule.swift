public import Foundation

/// When a certificate is renewed: once `ratio` of its life has passed (half, as
/// Istio's agents do), leaving the other half to retry if the CA is unreachable.
public struct ServingRenewalSchedule: Sendable, Equatable {
    /// The fraction of the life after which to renew.
    public var ratio: Double

    public init(ratio: Double = 0.5) {
        self.ratio = min(max(ratio, 0), 1)
    }

    /// The moment a certificate valid from `notBefore` to `notAfter` is renewed.
    public func renewalTime(notBefore: Date, notAfter: Date) -> Date {
        notBefore.addingTimeInterval(notAfter.timeIntervalSince(notBefore) * ratio)
    }
}
