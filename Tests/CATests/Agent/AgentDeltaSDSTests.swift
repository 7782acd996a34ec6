import CA
import Foundation
import Testing
import X509
import XDS

@Suite("Node agent: delta SDS", .timeLimit(.minutes(1)))
struct AgentDeltaSDSTests {
    /// The agent, its identity and `leaf(_:)` as the state-of-the-world tests have them.
    let base = NodeAgentTests()

    @Test("DeltaSecrets: default and ROOTCA, a new default on renewal without ROOTCA again, then unsubscribe and resubscribe")
    func deltaStream() async throws {
        let directory = try AgentTestDirectory()
        defer { directory.remove() }
        // The CA caps leaves at 4 s, so the agent renews about every 2 s.
        let ca = try TestCA(maxTTL: .seconds(4))
        ca.refusal.withLock { $0 = .unavailable }
        try directory.write(ca.rootPEM, to: "root-cert.pem")
        try directory.write("token", to: "token")
        let watcher = DeltaSDSWatcher()
        try await ca.serve { port in
            let agent = base.agent(port: port, directory: directory, ttl: .seconds(3600))
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await agent.run() }
                group.addTask { try await watcher.run(socket: directory.file("sds/socket")) }
                defer { group.cancelAll() }

                // 0. The stream opens before the first certificate exists (the CA refuses
                // until then). The agent must not report default or ROOTCA absent: Envoy
                // ends a secret's warming on a delta removal and would start its
                // listeners without a certificate. It answers when it has them.
                try await eventually(within: .seconds(10), "the delta stream open and a refused request") {
                    agent.xds.connectionCount == 1 && ca.csrs.withLock { $0.count } >= 1
                }
                ca.refusal.withLock { $0 = nil }

                // 1. Both secrets arrive, each with a version.
                try await eventually(within: .seconds(10), "default and ROOTCA") {
                    !watcher.all("default").isEmpty && !watcher.all("ROOTCA").isEmpty
                }
                #expect(!watcher.removed("default") && !watcher.removed("ROOTCA"), "secrets reported absent before the first certificate")
                #expect(watcher.responses.withLock { $0.first?.names } == ["ROOTCA", "default"])
                let first = try #require(watcher.all("default").first)
                #expect(!first.version.isEmpty)
                let firstLeaf = try base.leaf(first.secret)
                #expect(try firstLeaf.extensions.subjectAlternativeNames.map(Array.init) == [.uniformResourceIdentifier(base.identity.spiffeURI)])
                let keyPEM = String(decoding: first.secret.tlsCertificate.privateKey.inlineBytes, as: UTF8.self)
                #expect(try Certificate.PrivateKey(pemEncoded: keyPEM).publicKey == firstLeaf.publicKey)
                let root = try #require(watcher.all("ROOTCA").first)
                let rootPEM = String(decoding: root.secret.validationContext.trustedCa.inlineBytes, as: UTF8.self)
                #expect(try PEMBundle.certificates(in: rootPEM) == [ca.root])

                // 2. A renewal brings a new version of default, and only default:
                // ROOTCA has not changed, so the client (which holds it) is not sent it again.
                try await eventually(within: .seconds(10), "a renewed default") {
                    try watcher.all("default").contains { try base.leaf($0.secret).serialNumber != firstLeaf.serialNumber }
                }
                let renewed = try #require(watcher.all("default").last)
                #expect(renewed.version != first.version)
                #expect(watcher.all("ROOTCA").count == 1)
                let renewals = watcher.responses.withLock { $0 }.filter { $0.names.contains("default") }.dropFirst()
                #expect(renewals.allSatisfy { $0.names == ["default"] && $0.removed.isEmpty })

                // 3. Unsubscribe default. The stream handles requests in order, so once the
                // answer to a later subscription (to a name the agent does not have, which
                // is reported absent) arrives, the unsubscribe has been applied.
                watcher.change(unsubscribe: ["default"])
                watcher.change(subscribe: ["probe-1"])
                try await eventually(within: .seconds(5), "probe-1 reported absent") { watcher.removed("probe-1") }
                let defaultsAtUnsubscribe = watcher.all("default").count
                // Two more requests mean at least one renewal was issued and published
                // after the unsubscribe; a second probe flushes the push it queued.
                let csrs = ca.csrs.withLock { $0.count }
                try await eventually(within: .seconds(15), "two more renewals") { ca.csrs.withLock { $0.count } >= csrs + 2 }
                watcher.change(subscribe: ["probe-2"])
                try await eventually(within: .seconds(5), "probe-2 reported absent") { watcher.removed("probe-2") }
                #expect(watcher.all("default").count == defaultsAtUnsubscribe, "no default after unsubscribing")
                #expect(watcher.all("ROOTCA").count == 1)
                #expect(!watcher.removed("default"), "unsubscribing is the client's forgetting, not a removal")

                // 4. Subscribing again sends the current default: the server forgot that
                // the client held it.
                watcher.change(subscribe: ["default"])
                try await eventually(within: .seconds(5), "default after resubscribing") {
                    watcher.all("default").count > defaultsAtUnsubscribe
                }
                let again = try #require(watcher.all("default").last)
                #expect(try base.leaf(again.secret).serialNumber != firstLeaf.serialNumber)
                #expect(watcher.all("ROOTCA").count == 1)
            }
        }
    }
}
