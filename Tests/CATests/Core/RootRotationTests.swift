import Foundation
import Testing
import X509
@testable import CA

@Suite("Root rotation")
struct RootRotationTests {
    let start = Date(timeIntervalSince1970: 1_700_000_000)
    let day: TimeInterval = 86400

    @Test("keep before the grace point, rotate from it on (and when expired)")
    func decision() {
        let policy = RootRotationPolicy(graceRatio: 0.2)
        let end = start.addingTimeInterval(100 * day)
        #expect(policy.decide(now: start, notBefore: start, notAfter: end) == .keep)
        #expect(policy.decide(now: start.addingTimeInterval(79.9 * day), notBefore: start, notAfter: end) == .keep)
        #expect(policy.decide(now: start.addingTimeInterval(80 * day), notBefore: start, notAfter: end) == .rotate)
        #expect(policy.decide(now: end.addingTimeInterval(day), notBefore: start, notAfter: end) == .rotate)
        #expect(RootRotationPolicy(graceRatio: 0).decide(now: start.addingTimeInterval(99 * day), notBefore: start, notAfter: end) == .keep)
    }

    @Test("a rotated root keeps the key; the bundle holds both roots; old and new leaves verify")
    func overlap() async throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let directory = CADirectory(path: temporary.path)
        let authority = try await directory.loadOrCreate(
            keyType: .ec, trustDomain: "cluster.local", rootLifetime: .seconds(100 * 86400), now: Date())
        let ca = LocalCertificateAuthority(authority)
        let csr = try ValidatedCSR(pem: try OpenSSLTool.csr(in: temporary.url, uri: "spiffe://cluster.local/ns/a/sa/x"))
        let oldChain = try ca.sign(publicKey: csr.request.publicKey, names: csr.names, lifetime: .seconds(3600))

        let rotator = RootRotator(
            policy: RootRotationPolicy(graceRatio: 0.2), directory: directory, trustDomain: "cluster.local",
            rootLifetime: .seconds(100 * 86400))
        #expect(try rotator.check(ca, now: Date()) == false)
        #expect(ca.current.certificate == authority.certificate)
        // 85 days in: inside the last fifth.
        let later = Date().addingTimeInterval(85 * day)
        #expect(try rotator.check(ca, now: later) == true)
        let rotated = ca.current
        #expect(rotated.certificate != authority.certificate)
        #expect(rotated.privateKey.publicKey == authority.privateKey.publicKey)
        #expect(rotated.trustBundle == [rotated.certificate, authority.certificate])
        #expect(rotated.certificate.notValidAfter > authority.certificate.notValidAfter)

        // Persisted: a restart sees the new root and still trusts the old one.
        let reloaded = try await directory.loadOrCreate(
            keyType: .ec, trustDomain: "cluster.local", rootLifetime: .seconds(100 * 86400), now: Date())
        #expect(reloaded.certificate == rotated.certificate)
        #expect(reloaded.trustBundle == rotated.trustBundle)

        // New leaves chain to the new root; with the bundle, old and new leaves verify.
        let newChain = try ca.sign(publicKey: csr.request.publicKey, names: csr.names, lifetime: .seconds(3600))
        #expect(newChain.last == rotated.certificate)
        for (name, chain) in [("old", oldChain), ("new", newChain)] {
            try temporary.write(try chain[0].serializeAsPEM().pemString, to: "\(name).pem")
            try OpenSSLTool.run(["verify", "-CAfile", "root-cert.pem", "\(name).pem"], in: temporary.url)
        }

        // Once the old root has expired it leaves the bundle.
        let afterOldExpiry = authority.certificate.notValidAfter.addingTimeInterval(60)
        _ = try rotator.check(ca, now: afterOldExpiry)
        #expect(ca.current.trustBundle == [rotated.certificate])
    }

    @Test("a plugged-in CA is never rotated by controld")
    func pluggedInNotRotated() async throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        try CADirectoryTests.makePluggedIn(in: temporary)
        let directory = CADirectory(path: temporary.path)
        let authority = try await directory.loadOrCreate(
            keyType: .ec, trustDomain: "cluster.local", rootLifetime: .seconds(86400), now: Date())
        let ca = LocalCertificateAuthority(authority)
        let rotator = RootRotator(policy: RootRotationPolicy(), directory: directory, trustDomain: "cluster.local", rootLifetime: .seconds(86400))
        #expect(try rotator.check(ca, now: Date().addingTimeInterval(3000 * day)) == false)
        #expect(ca.current.certificate == authority.certificate)
    }
}
