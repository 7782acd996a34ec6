import Foundation
import Logging
import Testing
@testable import CA

/// The CA timer renews the secure port's certificate at half its life, counted from
/// issuance: the minute notBefore is backdated must not make a short-lived
/// certificate due the moment it is issued.
@Suite("The secure port's certificate renewal")
struct ServingRenewalTests {
    @Test("a 20 s serving certificate is kept for 10 s, then renewed")
    func shortLifetimeRenewsAtHalfLife() async throws {
        let fixture = try await CAFixture(withTokens: false)
        defer { fixture.directory.remove() }
        let issuedAt = Date()
        let tls = try SecurePortTLS(ca: fixture.ca, lifetime: .seconds(20))
        let maintenance = CAMaintenanceService(
            ca: fixture.ca,
            rotator: RootRotator(
                policy: RootRotationPolicy(), directory: CADirectory(path: fixture.directory.file("ca").path),
                trustDomain: CAFixture.trustDomain, rootLifetime: .seconds(10 * 365 * 86400)),
            tls: tls, metrics: CAMetrics(factory: fixture.metrics), logger: Logger(label: "test"))
        let first = try #require(tls.servingChain.first)

        let due = maintenance.nextServingRenewal().timeIntervalSince(issuedAt)
        #expect(due > 9 && due < 11, "due \(due) s after issuance")
        maintenance.tick(now: issuedAt.addingTimeInterval(1))
        #expect(tls.servingChain.first == first, "renewed 1 s into a 20 s life")
        maintenance.tick(now: issuedAt.addingTimeInterval(11))
        #expect(tls.servingChain.first != first, "not renewed past half its life")
    }
}
