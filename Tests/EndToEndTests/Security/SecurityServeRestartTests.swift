import Foundation
import Testing

/// Issue #6, "Proven": a restarted controld keeps its root, the agents renew from
/// it again, the Envoys reconnect, and traffic between them never notices.
@Suite("Security: serve restart", .timeLimit(.minutes(5)))
struct SecurityServeRestartTests {
    @Test("a restarted serve keeps the root; agents renew and Envoys reconnect while traffic flows")
    func restartKeepsTheRoot() async throws {
        let pair = try await MutualTLSPair.start(
            "secure-restart",
            addresses: .init(client: "127.0.0.221", server: "127.0.0.222", backend: "127.0.0.223"),
            certTTL: "20s")
        let mesh = pair.mesh
        let root = try Data(contentsOf: mesh.rootCertPath)
        let issued = (client: pair.client.issuedSerials.count, server: pair.server.issuedSerials.count)

        let probe = TrafficProbe(url: pair.url, headers: pair.headers, body: "backend")
        #expect(try await mesh.restartServe() == 0)
        let restarted = ContinuousClock.now
        #expect(try Data(contentsOf: mesh.rootCertPath) == root, "the restart changed root-cert.pem")

        // Each agent renews from the new process (at half of 20 s, retrying with
        // backoff while serve was away), and each Envoy loads the result.
        for (sidecar, before) in [(pair.client, issued.client), (pair.server, issued.server)] {
            let renewed = try await SecureMesh.eventually("\(sidecar.name) to load a certificate issued after the restart", within: .seconds(60)) {
                let serials = sidecar.issuedSerials
                guard serials.count > before, let newest = serials.last else { return false }
                return try await sidecar.envoy.certificates().leaf == newest
            }
            #expect(renewed)
            // Issued under the same root: the file from before the restart verifies it.
            let chain = sidecar.files.appendingPathComponent("cert-chain.pem")
            let verified = await PeerCertificates.verifies(chain: chain, roots: mesh.rootCertPath, in: mesh.scratch.url)
            #expect(verified.ok, "\(verified.output)")
        }
        // Both Envoys came back to the new serve and took its configuration.
        let reconnected = try await SecureMesh.eventually("both proxies in the new serve's syncz", within: .seconds(60)) {
            let syncz = try await HTTP.get("http://\(mesh.monitoring)/debug/syncz").body
            return [pair.client, pair.server].allSatisfy { syncz.contains($0.envoy.nodeID) }
        }
        #expect(reconnected)
        // Keep the traffic going past a full renewal after the restart.
        try await Task.sleep(until: restarted + .seconds(15))
        let tally = await probe.stop()

        // serve answers proxies only once its sources are read and its first
        // PushContext is built: a reconnecting Envoy never sees an empty mesh.
        #expect(tally.failures.isEmpty, "\(tally)")
        #expect(try await MeshHarness.tally(pair.url, count: 20, headers: pair.headers) == ["backend": 20])
        #expect(tally.succeeded >= 50, "\(tally)")
        #expect(pair.client.envoy.isRunning && pair.server.envoy.isRunning)
        try await mesh.expectNoRejects()
    }
}
