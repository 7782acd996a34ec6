import CA
import Foundation
import GRPCCore
import Logging
import Testing
import X509
import XDS

@Suite("Node agent against a CA", .timeLimit(.minutes(1)))
struct NodeAgentTests {
    let identity = WorkloadIdentity(trustDomain: "cluster.local", namespace: "demo", serviceAccount: "reviews")

    func agent(port: Int, directory: AgentTestDirectory, ttl: Duration, output: String? = nil) -> NodeAgent {
        let configuration = AgentConfiguration(
            identity: identity,
            certificateTTL: ttl,
            renewal: .init(graceRatio: 0.5, initialBackoff: .milliseconds(200), maxBackoff: .seconds(1)),
            rootCertPath: directory.file("root-cert.pem"),
            rootCheckInterval: .milliseconds(200),
            sdsSocketPath: directory.file("sds/socket"),
            outputDirectory: output
        )
        let client = IstioCAClient(configuration: .init(
            address: CAAddress(host: "127.0.0.1", port: port),
            rootCertPath: directory.file("root-cert.pem"),
            token: TokenFile(path: directory.file("token"))
        ))
        var logger = Logger(label: "agent-test")
        logger.logLevel = .critical
        return NodeAgent(configuration: configuration, signer: client, logger: logger)
    }

    func leaf(_ secret: TLSSecret) throws -> Certificate {
        let pem = String(decoding: secret.tlsCertificate.certificateChain.inlineBytes, as: UTF8.self)
        return try #require(try PEMBundle.certificates(in: pem).first)
    }

    @Test("the agent gets a certificate, serves default and ROOTCA over SDS, renews and pushes a new serial")
    func fullLoop() async throws {
        let directory = try AgentTestDirectory()
        defer { directory.remove() }
        let ca = try TestCA(maxTTL: .seconds(4))
        try directory.write(ca.rootPEM, to: "root-cert.pem")
        try directory.write("token-a", to: "token")
        let watcher = SDSWatcher()
        try await ca.serve { port in
            let agent = agent(port: port, directory: directory, ttl: .seconds(3600), output: directory.file("out"))
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await agent.run() }
                group.addTask { try await watcher.run(socket: directory.file("sds/socket")) }
                defer { group.cancelAll() }

                try await eventually(within: .seconds(10), "default and ROOTCA") {
                    watcher.latest("default") != nil && watcher.latest("ROOTCA") != nil
                }
                let first = try #require(watcher.latest("default"))
                let firstLeaf = try leaf(first)
                let sans = try #require(try firstLeaf.extensions.subjectAlternativeNames)
                #expect(Array(sans) == [.uniformResourceIdentifier(identity.spiffeURI)])
                #expect(firstLeaf.issuer == ca.root.subject)
                // The key served matches the certificate served.
                let keyPEM = String(decoding: first.tlsCertificate.privateKey.inlineBytes, as: UTF8.self)
                #expect(try Certificate.PrivateKey(pemEncoded: keyPEM).publicKey == firstLeaf.publicKey)
                // The chain served leaves the root out; ROOTCA carries it.
                let served = String(decoding: first.tlsCertificate.certificateChain.inlineBytes, as: UTF8.self)
                #expect(try PEMBundle.certificates(in: served).count == 1)
                let rootPEM = String(decoding: try #require(watcher.latest("ROOTCA")).validationContext.trustedCa.inlineBytes, as: UTF8.self)
                #expect(try PEMBundle.certificates(in: rootPEM) == [ca.root])
                // The request asked for the configured TTL; the CA capped it.
                #expect(ca.validities.withLock { $0.first } == 3600)
                #expect(ca.tokens.withLock { $0.first } == "Bearer token-a")

                // The token rotates in place; the renewal at half-life (about 2 s) uses the new one.
                try directory.write("token-b", to: "token")
                try await eventually(within: .seconds(8), "a renewed default with a new serial") {
                    try watcher.all("default").contains { try leaf($0).serialNumber != firstLeaf.serialNumber }
                }
                let renewed = try leaf(try #require(watcher.latest("default")))
                #expect(renewed.serialNumber != firstLeaf.serialNumber)
                #expect(renewed.publicKey != firstLeaf.publicKey, "every renewal rotates the key")
                // On a loaded machine the first renewal may come before the rotation;
                // renewals go on every ~2 s, and the next one must carry the new token.
                try await eventually(within: .seconds(8), "a renewal with the rotated token") {
                    ca.tokens.withLock { $0 }.contains("Bearer token-b")
                }

                // The output directory follows the renewals.
                try await eventually(within: .seconds(2), "cert-chain.pem with the renewed certificate") {
                    let chain = (try? PEMBundle.certificates(atPath: directory.file("out/cert-chain.pem"))) ?? []
                    return chain.first.map { $0.serialNumber != firstLeaf.serialNumber } ?? false
                }
            }
        }
    }

    @Test("a CA that refuses is retried with backoff, and the first success is served")
    func retriesAfterRefusal() async throws {
        let directory = try AgentTestDirectory()
        defer { directory.remove() }
        let ca = try TestCA(maxTTL: .seconds(3600))
        ca.refusal.withLock { $0 = .unavailable }
        try directory.write(ca.rootPEM, to: "root-cert.pem")
        try directory.write("t", to: "token")
        let watcher = SDSWatcher()
        try await ca.serve { port in
            let agent = agent(port: port, directory: directory, ttl: .seconds(600))
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await agent.run() }
                group.addTask { try await watcher.run(socket: directory.file("sds/socket")) }
                defer { group.cancelAll() }
                try await eventually(within: .seconds(10), "three refused attempts") {
                    ca.csrs.withLock { $0.count } >= 3
                }
                #expect(watcher.latest("default") == nil)
                ca.refusal.withLock { $0 = nil }
                try await eventually(within: .seconds(5), "default after the CA recovers") {
                    watcher.latest("default") != nil
                }
            }
        }
    }

    @Test("a new root in the root file reaches ROOTCA without a renewal")
    func rootChange() async throws {
        let directory = try AgentTestDirectory()
        defer { directory.remove() }
        let ca = try TestCA(maxTTL: .seconds(3600))
        let next = try TestCA()
        try directory.write(ca.rootPEM, to: "root-cert.pem")
        try directory.write("t", to: "token")
        let watcher = SDSWatcher()
        try await ca.serve { port in
            let agent = agent(port: port, directory: directory, ttl: .seconds(3600))
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await agent.run() }
                group.addTask { try await watcher.run(socket: directory.file("sds/socket")) }
                defer { group.cancelAll() }
                try await eventually(within: .seconds(10), "ROOTCA") { watcher.latest("ROOTCA") != nil }
                // Root rotation: the CA's file now carries both roots.
                try directory.write(ca.rootPEM + "\n" + next.rootPEM, to: "root-cert.pem")
                try await eventually(within: .seconds(5), "ROOTCA with both roots") {
                    let pem = String(decoding: watcher.latest("ROOTCA")?.validationContext.trustedCa.inlineBytes ?? Data(), as: UTF8.self)
                    return (try? PEMBundle.certificates(in: pem)) == [ca.root, next.root]
                }
                #expect(ca.csrs.withLock { $0.count } == 1)
            }
        }
    }
}
