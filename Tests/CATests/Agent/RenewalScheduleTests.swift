import CA
import Foundation
import Testing

/// A generator that always yields the same value, to pin the jitter at an edge. (1,
/// not 0: the standard library's bounded sampling would reject 0 forever.)
struct FixedGenerator: RandomNumberGenerator {
    var value: UInt64
    mutating func next() -> UInt64 { value }
}

/// A small seeded generator (SplitMix64), for repeatable spreads of jitter.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("Renewal schedule")
struct RenewalScheduleTests {
    let start = Date(timeIntervalSince1970: 1_700_000_000)
    let day: TimeInterval = 86400

    @Test("with no certificate the agent asks at once")
    func firstRequestIsImmediate() {
        let schedule = RenewalSchedule(policy: .init())
        #expect(schedule.nextAction(at: start) == .renew)
        #expect(!schedule.holdsValidCertificate(at: start))
    }

    @Test("renewal falls at half-life, within ±1% of the lifetime")
    func halfLifeWithJitter() {
        var generator = SeededGenerator(state: 42)
        var earliest = Date.distantFuture
        var latest = Date.distantPast
        for _ in 0..<1000 {
            var schedule = RenewalSchedule(policy: .init(graceRatio: 0.5))
            schedule.issued(notAfter: start.addingTimeInterval(day), at: start, using: &generator)
            let renewAt = schedule.renewAt!
            earliest = min(earliest, renewAt)
            latest = max(latest, renewAt)
            #expect(schedule.nextAction(at: start) == .wait(until: renewAt))
            #expect(schedule.nextAction(at: renewAt) == .renew)
        }
        let half = start.addingTimeInterval(day / 2)
        #expect(earliest >= half.addingTimeInterval(-0.01 * day))
        #expect(latest <= half.addingTimeInterval(0.01 * day))
        // The jitter really spreads: a fleet issued together renews over ~29 minutes.
        #expect(latest.timeIntervalSince(earliest) > 0.015 * day)
    }

    @Test("the extremes of the jitter move renewal by exactly 1% of the lifetime")
    func jitterEdges() {
        var low = FixedGenerator(value: 1)
        var high = FixedGenerator(value: .max)
        var early = RenewalSchedule(policy: .init(graceRatio: 0.5))
        var late = RenewalSchedule(policy: .init(graceRatio: 0.5))
        // More grace (ratio + jitter) means renewing earlier.
        late.issued(notAfter: start.addingTimeInterval(day), at: start, using: &low)
        early.issued(notAfter: start.addingTimeInterval(day), at: start, using: &high)
        #expect(abs(late.renewAt!.timeIntervalSince(start) - 0.51 * day) < 1)
        #expect(abs(early.renewAt!.timeIntervalSince(start) - 0.49 * day) < 1)
    }

    @Test("the grace ratio is the share of the lifetime left at renewal", arguments: [0.2, 0.5, 0.8])
    func graceRatio(ratio: Double) {
        var generator = SeededGenerator(state: 1)
        var schedule = RenewalSchedule(policy: .init(graceRatio: ratio, jitterRatio: 0))
        schedule.issued(notAfter: start.addingTimeInterval(1000), at: start, using: &generator)
        #expect(schedule.renewAt == start.addingTimeInterval(1000 * (1 - ratio)))
    }

    @Test("the lifetime counts from receipt, not from a backdated notBefore")
    func lifetimeFromReceipt() {
        var generator = SeededGenerator(state: 1)
        var schedule = RenewalSchedule(policy: .init(graceRatio: 0.5, jitterRatio: 0))
        let received = start.addingTimeInterval(100)
        schedule.issued(notAfter: received.addingTimeInterval(20), at: received, using: &generator)
        #expect(schedule.renewAt == received.addingTimeInterval(10))
    }

    @Test("failures back off exponentially up to the cap")
    func backoff() {
        var schedule = RenewalSchedule(policy: .init(initialBackoff: .seconds(1), maxBackoff: .seconds(30)))
        var now = start
        var waits: [TimeInterval] = []
        for _ in 0..<8 {
            #expect(schedule.nextAction(at: now) == .renew)
            schedule.failed(at: now)
            guard case .wait(let until) = schedule.nextAction(at: now) else {
                Issue.record("expected a wait after a failure")
                return
            }
            waits.append(until.timeIntervalSince(now))
            now = until
        }
        #expect(waits == [1, 2, 4, 8, 16, 30, 30, 30])
        #expect(schedule.failures == 8)
    }

    @Test("a success resets the backoff")
    func successResetsBackoff() {
        var generator = SeededGenerator(state: 7)
        var schedule = RenewalSchedule(policy: .init(jitterRatio: 0, initialBackoff: .seconds(1)))
        schedule.failed(at: start)
        schedule.failed(at: start.addingTimeInterval(1))
        let now = start.addingTimeInterval(3)
        schedule.issued(notAfter: now.addingTimeInterval(100), at: now, using: &generator)
        #expect(schedule.failures == 0)
        #expect(schedule.retryAt == nil)
        #expect(schedule.nextAction(at: now) == .wait(until: now.addingTimeInterval(50)))
        schedule.failed(at: now.addingTimeInterval(50))
        #expect(schedule.nextAction(at: now.addingTimeInterval(50)) == .wait(until: now.addingTimeInterval(51)))
    }

    @Test("failed renewals keep the old certificate until it expires, and keep retrying after")
    func keepOldCertificateUntilExpiry() {
        var generator = SeededGenerator(state: 3)
        var schedule = RenewalSchedule(policy: .init(jitterRatio: 0, initialBackoff: .seconds(1), maxBackoff: .seconds(4)))
        let expiry = start.addingTimeInterval(20)
        schedule.issued(notAfter: expiry, at: start, using: &generator)
        var now = start.addingTimeInterval(10)
        #expect(schedule.nextAction(at: now) == .renew)
        while now < expiry.addingTimeInterval(10) {
            #expect(schedule.holdsValidCertificate(at: now) == (now < expiry))
            #expect(schedule.expiresAt == expiry)
            schedule.failed(at: now)
            guard case .wait(let until) = schedule.nextAction(at: now) else {
                Issue.record("expected a wait")
                return
            }
            now = until
            #expect(schedule.nextAction(at: now) == .renew)
        }
        #expect(!schedule.holdsValidCertificate(at: now))
        schedule.issued(notAfter: now.addingTimeInterval(20), at: now, using: &generator)
        #expect(schedule.holdsValidCertificate(at: now))
    }
}
