import Foundation
import Testing

/// Issue #6, "Proven": with shortened lifetimes the CA re-issues its self-signed root
/// while two Envoys exchange mTLS requests; the agents' ROOTCA holds old and new
/// root during the overlap, the old one leaves once expired, the secure port's
/// certificate comes from the new root, and no request fails.
@Suite("Security: root rotation", .timeLimit(.minutes(5)))
struct SecurityRootRotationTests {
    @Test("traffic between two sidecars never fails across a root rotation and the old root's expiry")
    func trafficAcrossRootRotation() async throws {
        // A root lives 60 s (plus the minute it is backdated), so with a grace ratio
        // of 0.25 it is re-issued 30 s after it was made and expires 30 s later.
        let pair = try await MutualTLSPair.start(
            "secure-root-rotation",
            addresses: .init(client: "127.0.0.231", server: "127.0.0.232", backend: "127.0.0.233"),
            certTTL: "20s",
            serveFlags: ["--ca-root-ttl", "60s", "--ca-root-grace-ratio", "0.25", "--ca-root-check-interval", "2s"])
        let mesh = pair.mesh
        let scratch = mesh.scratch.url
        let initial = try await PeerCertificates.serials(inBundle: mesh.rootCertPath, in: scratch)
        try #require(initial.count == 1, "a new CA starts with one root: \(initial)")
        let first = initial[0]
        let sidecars = [pair.client, pair.server]

        let probe = TrafficProbe(url: pair.url, headers: pair.headers, body: "backend")
        // The rotation: root-cert.pem holds the new root and, still, the first.
        var bundle: [String] = []
        #expect(
            try await SecureMesh.eventually("the first root rotation", within: .seconds(90)) {
                bundle = try await PeerCertificates.serials(inBundle: mesh.rootCertPath, in: scratch)
                return bundle.count >= 2 && bundle.contains(first)
            })
        #expect(!mesh.serve.jsonLogs("rotated the CA root").isEmpty)
        let second = try #require(bundle.first)

        // The overlap: each Envoy's ROOTCA, from its agent, trusts both roots.
        for sidecar in sidecars {
            #expect(
                try await SecureMesh.eventually("\(sidecar.name)'s ROOTCA to hold both roots", within: .seconds(30)) {
                    let roots = try await sidecar.envoy.certificates().caSerials
                    return !roots.isEmpty && roots.allSatisfy { $0.isSuperset(of: [first, second]) }
                })
        }

        // The first root expires and leaves the bundle, the agents' ROOTCA and their
        // chains: what they hold now verifies without it.
        #expect(
            try await SecureMesh.eventually("the first root to leave root-cert.pem", within: .seconds(90)) {
                !(try await PeerCertificates.serials(inBundle: mesh.rootCertPath, in: scratch).contains(first))
            })
        for sidecar in sidecars {
            let issuedBefore = sidecar.issuedSerials.count
            #expect(
                try await SecureMesh.eventually("\(sidecar.name) to drop the first root and renew", within: .seconds(45)) {
                    let loaded = try await sidecar.envoy.certificates()
                    guard let leaf = loaded.leaf, sidecar.issuedSerials.count > issuedBefore,
                        leaf == sidecar.issuedSerials.last
                    else { return false }
                    return !loaded.caSerials.isEmpty && loaded.caSerials.allSatisfy { !$0.contains(first) }
                })
            let verified = await PeerCertificates.verifies(
                chain: sidecar.files.appendingPathComponent("cert-chain.pem"), roots: mesh.rootCertPath, in: scratch)
            #expect(verified.ok, "\(verified.output)")
        }
        // Renewals since the expiry went through the secure port, so the agents
        // trusted its certificate; it verifies against the bundle without the first
        // root, and it cannot be one issued under that root (those end with it).
        let secure = await PeerCertificates.verifiesServer(
            host: "127.0.0.1", port: mesh.securePort, name: "istiod.istio-system.svc", roots: mesh.rootCertPath,
            in: scratch)
        #expect(secure.ok, "\(secure.output)")
        #expect(
            mesh.serve.jsonLogs("renewed the secure port's certificate").count >= 1,
            "the serving certificate was never re-issued")
        let tally = await probe.stop()

        #expect(tally.failures.isEmpty, "\(tally)")
        #expect(tally.succeeded >= 100, "\(tally)")
        #expect(pair.client.envoy.isRunning && pair.server.envoy.isRunning)
        try await mesh.expectNoRejects()
    }
}
