import Foundation
import Testing

/// Issue #6, "Proven": workload certificates with a 20 s lifetime, renewed by the
/// agents at half-life, while two Envoys exchange Istio mTLS requests without a
/// single failure and without restarting.
@Suite("Security: workload certificate rotation", .timeLimit(.minutes(5)))
struct SecurityCertificateRotationTests {
    @Test("requests between two sidecars never fail across three renewals; the served serial changes each time")
    func trafficAcrossRenewals() async throws {
        let pair = try await MutualTLSPair.start(
            "secure-rotation",
            addresses: .init(client: "127.0.0.211", server: "127.0.0.212", backend: "127.0.0.213"),
            certTTL: "20s")
        let pids = (pair.client.envoy.processIdentifier, pair.server.envoy.processIdentifier)
        let handshakesBefore = try await pair.handshakes()
        // The requests so far were mTLS: both ends counted handshakes.
        #expect(handshakesBefore.server > 0 && handshakesBefore.client > 0, "\(handshakesBefore)")
        let listenerChanges = try await pair.server.envoy.stats(containing: "listener_manager.listener_")

        let probe = TrafficProbe(url: pair.url, headers: pair.headers, body: "backend")
        // Each serial each Envoy has loaded, in order: the first plus three renewals.
        var served = (server: [String](), client: [String]())
        var wire: [String] = []
        let deadline = ContinuousClock.now + .seconds(150)
        while ContinuousClock.now < deadline && (served.server.count < 4 || served.client.count < 4) {
            if let leaf = try await pair.server.envoy.certificates().leaf, served.server.last != leaf {
                served.server.append(leaf)
                // What a peer gets on the wire is what /certs says is loaded.
                wire.append(
                    try await PeerCertificates.servedSerial(
                        host: pair.server.ip, port: pair.port, client: pair.client.files, alpn: "istio",
                        in: pair.mesh.scratch.url))
            }
            if let leaf = try await pair.client.envoy.certificates().leaf, served.client.last != leaf {
                served.client.append(leaf)
            }
            try await Task.sleep(for: .milliseconds(500))
        }
        let tally = await probe.stop()

        #expect(served.server.count >= 4, "server serials: \(served.server), issued: \(pair.server.issuedSerials)")
        #expect(served.client.count >= 4, "client serials: \(served.client), issued: \(pair.client.issuedSerials)")
        #expect(Set(served.server).count == served.server.count, "a serial came back: \(served.server)")
        #expect(Set(served.server).isSubset(of: Set(pair.server.issuedSerials)))
        #expect(Set(served.client).isSubset(of: Set(pair.client.issuedSerials)))
        // A serial read from /certs may be replaced before s_client connects, so the
        // wire's serial is the one read or a newer one, and never an older one.
        for (loaded, seen) in zip(served.server, wire) {
            let issued = pair.server.issuedSerials
            let (a, b) = (issued.firstIndex(of: loaded), issued.firstIndex(of: seen))
            #expect(a != nil && b != nil && b! >= a!, "loaded \(loaded), served \(seen); issued \(issued)")
        }

        #expect(tally.failures.isEmpty, "\(tally)")
        #expect(tally.succeeded >= 100, "\(tally)")
        // One request per connection: every request was a new mTLS handshake.
        let handshakesAfter = try await pair.handshakes()
        #expect(handshakesAfter.server - handshakesBefore.server >= tally.succeeded, "\(handshakesAfter)")
        #expect(handshakesAfter.client - handshakesBefore.client >= tally.succeeded, "\(handshakesAfter)")

        // No restart and no listener churn: new certificates were taken in place.
        #expect(pair.client.envoy.isRunning && pair.server.envoy.isRunning)
        #expect((pair.client.envoy.processIdentifier, pair.server.envoy.processIdentifier) == pids)
        #expect(try await pair.server.envoy.stats(containing: "listener_manager.listener_") == listenerChanges)
        try await pair.mesh.expectNoRejects()
    }
}
