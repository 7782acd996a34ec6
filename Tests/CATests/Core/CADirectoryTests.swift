import Foundation
import Testing
import X509
@testable import CA

@Suite("CA directory: the root's lifecycle in file mode")
struct CADirectoryTests {
    let lifetime: Duration = .seconds(10 * 365 * 86400)

    @Test("first start makes a root, persists it (key 0600), and a restart reuses it", arguments: CAKeyType.allCases)
    func rootPersistedAndReused(keyType: CAKeyType) async throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let directory = CADirectory(path: temporary.file("ca").path)
        let first = try await directory.loadOrCreate(keyType: keyType, trustDomain: "cluster.local", rootLifetime: lifetime, now: Date())
        let second = try await directory.loadOrCreate(keyType: .ec, trustDomain: "cluster.local", rootLifetime: lifetime, now: Date())
        #expect(first.certificate == second.certificate)
        #expect(first.privateKey.publicKey == second.privateKey.publicKey)
        #expect(second.isSelfSigned)

        let mode = try FileManager.default.attributesOfItem(atPath: directory.file(CADirectory.caKeyFile))[.posixPermissions] as? Int
        #expect(mode == 0o600)
        // No temporary files left behind by the atomic writes.
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(files == ["ca-cert.pem", "ca-key.pem", "root-cert.pem"])

        let text = try OpenSSLTool.run(["x509", "-noout", "-text", "-in", directory.file(CADirectory.caCertFile)])
        #expect(text.contains("CA:TRUE"))
        #expect(text.contains("Certificate Sign"))
        #expect(text.contains(keyType == .ec ? "prime256v1" : "(2048 bit)"))
        let validity = first.certificate.notValidAfter.timeIntervalSince(first.certificate.notValidBefore)
        #expect(abs(validity - (10 * 365 * 86400 + 60)) < 2)
        // The trust bundle next to the CA is the root.
        let bundle = try String(contentsOfFile: directory.file(CADirectory.rootCertFile), encoding: .utf8)
        #expect(bundle == (try first.certificate.serializeAsPEM().pemString + "\n"))
    }

    @Test("a key that does not match the certificate is a one-line start-up error")
    func mismatchedSelfSignedKey() async throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let directory = CADirectory(path: temporary.path)
        _ = try await directory.loadOrCreate(keyType: .ec, trustDomain: "cluster.local", rootLifetime: lifetime, now: Date())
        try OpenSSLTool.run(["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "ca-key.pem"], in: temporary.url)
        await #expect(throws: CASetupError("ca-key.pem does not match ca-cert.pem")) {
            try await directory.loadOrCreate(keyType: .ec, trustDomain: "cluster.local", rootLifetime: lifetime, now: Date())
        }
    }

    /// Istio's `cacerts` made by openssl: a root and an intermediate CA.
    static func makePluggedIn(in temporary: TemporaryDirectory) throws {
        let run = { (arguments: [String]) throws in try OpenSSLTool.run(arguments, in: temporary.url) }
        try temporary.write("basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n", to: "ca.ext")
        try run(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "root-key.pem",
                 "-out", "root-cert.pem", "-days", "3650", "-subj", "/O=Example/CN=Example Root CA",
                 "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
        try run(["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "ca-key.pem",
                 "-out", "ca.csr", "-subj", "/O=Example/CN=Intermediate CA cluster1"])
        try run(["x509", "-req", "-in", "ca.csr", "-CA", "root-cert.pem", "-CAkey", "root-key.pem", "-CAcreateserial",
                 "-out", "ca-cert.pem", "-days", "730", "-extfile", "ca.ext"])
        let chain = try String(contentsOf: temporary.file("ca-cert.pem"), encoding: .utf8)
            + String(contentsOf: temporary.file("root-cert.pem"), encoding: .utf8)
        try temporary.write(chain, to: "cert-chain.pem")
    }

    @Test("a plugged-in CA (cacerts layout) is used, and leaves chain through it to its root")
    func pluggedIn() async throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        try Self.makePluggedIn(in: temporary)
        let rootBefore = try String(contentsOf: temporary.file("root-cert.pem"), encoding: .utf8)
        let authority = try await CADirectory(path: temporary.path).loadOrCreate(
            keyType: .ec, trustDomain: "cluster.local", rootLifetime: lifetime, now: Date())
        #expect(!authority.isSelfSigned)
        #expect(authority.root.subject.description.contains("Example Root CA"))
        #expect(authority.chainAfterLeaf.count == 2)
        // Never rewritten.
        #expect(try String(contentsOf: temporary.file("root-cert.pem"), encoding: .utf8) == rootBefore)

        let ca = LocalCertificateAuthority(authority)
        let csr = try ValidatedCSR(pem: try OpenSSLTool.csr(in: temporary.url, uri: "spiffe://cluster.local/ns/a/sa/x"))
        let chain = try ca.sign(publicKey: csr.request.publicKey, names: csr.names, lifetime: .seconds(3600))
        #expect(chain.count == 3)
        try temporary.write(try chain[0].serializeAsPEM().pemString, to: "leaf.pem")
        try temporary.write(try chain[1].serializeAsPEM().pemString, to: "intermediate.pem")
        try OpenSSLTool.run(["verify", "-CAfile", "root-cert.pem", "-untrusted", "intermediate.pem", "leaf.pem"], in: temporary.url)
    }

    @Test("a plugged-in CA whose key does not match is refused at start")
    func pluggedInMismatchedKey() async throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        try Self.makePluggedIn(in: temporary)
        try OpenSSLTool.run(["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "ca-key.pem"], in: temporary.url)
        await #expect(throws: CASetupError("ca-key.pem does not match ca-cert.pem")) {
            try await CADirectory(path: temporary.path).loadOrCreate(
                keyType: .ec, trustDomain: "cluster.local", rootLifetime: lifetime, now: Date())
        }
    }

    @Test("a plugged-in CA whose chain does not reach its root is refused at start")
    func pluggedInBrokenChain() async throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        try Self.makePluggedIn(in: temporary)
        // Another root entirely.
        try OpenSSLTool.run(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "other.key",
                         "-out", "root-cert.pem", "-days", "30", "-subj", "/CN=Other",
                         "-addext", "basicConstraints=critical,CA:TRUE"], in: temporary.url)
        await #expect {
            try await CADirectory(path: temporary.path).loadOrCreate(
                keyType: .ec, trustDomain: "cluster.local", rootLifetime: lifetime, now: Date())
        } throws: { error in
            (error as? CASetupError)?.problem.hasPrefix("ca-cert.pem does not chain to root-cert.pem") == true
        }
    }
}
