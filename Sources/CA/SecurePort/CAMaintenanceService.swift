public import Foundation
public import Logging
public import ServiceLifecycle

/// The CA's timer: rotates a self-signed root when ``RootRotationPolicy`` says so
/// (checked hourly, as Istio does), renews the secure port's serving certificate at
/// half its life or right after a rotation, and keeps the expiry gauges current.
public struct CAMaintenanceService: Service {
    let ca: LocalCertificateAuthority
    let rotator: RootRotator
    let tls: SecurePortTLS?
    let metrics: CAMetrics
    let renewal: ServingRenewalSchedule
    let logger: Logger

    public init(
        ca: LocalCertificateAuthority, rotator: RootRotator, tls: SecurePortTLS?, metrics: CAMetrics,
        renewal: ServingRenewalSchedule = ServingRenewalSchedule(), logger: Logger
    ) {
        self.ca = ca
        self.rotator = rotator
        self.tls = tls
        self.metrics = metrics
        self.renewal = renewal
        self.logger = logger
    }

    public func run() async throws {
        metrics.recordExpiries(of: ca.current)
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let now = ca.now
            let wait = min(rotator.policy.checkInterval.timeInterval, max(1, nextServingRenewal().timeIntervalSince(now)))
            do {
                try await cancelWhenGracefulShutdown {
                    try await Task.sleep(for: .seconds(wait))
                }
            } catch {
                return
            }
            tick(now: ca.now)
        }
    }

    /// One check: rotation, serving renewal, gauges. Errors are logged and retried
    /// at the next check rather than stopping the CA.
    public func tick(now: Date) {
        var rotated = false
        do {
            rotated = try rotator.check(ca, now: now)
            if rotated {
                logger.notice("rotated the CA root", metadata: ["notAfter": "\(ca.current.root.notValidAfter)"])
            }
        } catch {
            logger.error("root rotation failed", metadata: ["error": "\(error)"])
        }
        if let tls, rotated || now >= nextServingRenewal() {
            do {
                try tls.renew()
                logger.info("renewed the secure port's certificate")
            } catch {
                logger.error("serving certificate renewal failed", metadata: ["error": "\(error)"])
            }
        }
        metrics.recordExpiries(of: ca.current)
    }

    /// When the serving certificate is due, its life counted from issuance: from the
    /// backdated notBefore, a lifetime under two minutes would be due at once and
    /// renewed on every tick (the agents' schedule counts from receipt for the same reason).
    func nextServingRenewal() -> Date {
        guard let leaf = tls?.servingChain.first else { return .distantFuture }
        let issued = min(leaf.notValidBefore.addingTimeInterval(LeafIssuer.backdate), leaf.notValidAfter)
        return renewal.renewalTime(notBefore: issued, notAfter: leaf.notValidAfter)
    }
}
