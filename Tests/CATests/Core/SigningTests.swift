import Foundation
import Testing
import X509
@testable import CA

@Suite("Signing workload CSRs: authentication, authorization, what is issued")
struct SigningTests {
    @Test("an openssl CSR with a token gets a chain openssl verifies, with exactly the expected contents",
          arguments: ["ec:P-256", "ec:P-384", "rsa:2048"])
    func issued(key: String) async throws {
        let fixture = try await CAFixture()
        defer { fixture.directory.remove() }
        let uri = CAFixture.uri("default", "httpbin")
        let token = try fixture.tokens.token(namespace: "default", serviceAccount: "httpbin")
        let before = Date()
        let chain = try await fixture.handler.handle(
            csrPEM: try fixture.csr(key: key, uri: uri), requestedSeconds: 0,
            credentials: CallerCredentials(bearerToken: token))
        #expect(chain.count == 2)
        let text = try fixture.verifyWithOpenSSL(chain)
        #expect(text.contains("URI:\(uri)"))
        #expect(!text.contains("DNS:"))
        #expect(text.contains("X509v3 Subject Alternative Name: critical"))
        #expect(text.contains("Digital Signature, Key Encipherment"))
        #expect(text.contains("TLS Web Server Authentication, TLS Web Client Authentication"))
        #expect(text.contains("CA:FALSE"))

        let leaf = try Certificate(pemEncoded: chain[0])
        #expect(abs(leaf.notValidBefore.timeIntervalSince(before) + 60) < 3)
        #expect(abs(leaf.notValidAfter.timeIntervalSince(before) - 86400) < 3)
        #expect(leaf.serialNumber.bytes.count == 16)
        #expect(try Certificate(pemEncoded: chain[1]) == fixture.ca.current.root)
        #expect(fixture.counter("citadel_server_csr_count") == 1)
        #expect(fixture.counter("citadel_server_success_cert_issuance_count") == 1)
    }

    @Test("RS256 tokens are accepted too")
    func rsaToken() async throws {
        var fixture = try await CAFixture()
        defer { fixture.directory.remove() }
        let issuer = try TokenIssuer.rsa()
        fixture.tokenReviewer = LocalTokenVerifier(keys: try JSONWebKeySet(json: try TokenIssuer.jwks([fixture.tokens, issuer])), issuer: issuer.issuer)
        let chain = try await fixture.handler.handle(
            csrPEM: try fixture.csr(uri: CAFixture.uri("ns1", "sa1")), requestedSeconds: 0,
            credentials: CallerCredentials(bearerToken: try issuer.token(namespace: "ns1", serviceAccount: "sa1")))
        _ = try fixture.verifyWithOpenSSL(chain)
    }

    @Test("requested lifetimes are honoured when shorter and capped at the maximum")
    func lifetimes() async throws {
        var fixture = try await CAFixture()
        defer { fixture.directory.remove() }
        fixture.lifetime = WorkloadCertificateLifetime(defaultLifetime: .seconds(86400), maximumLifetime: .seconds(2 * 86400))
        let token = try fixture.tokens.token(namespace: "a", serviceAccount: "x")
        for (requested, expected) in [(Int64(600), 600.0), (0, 86400), (7 * 86400, 2 * 86400)] as [(Int64, Double)] {
            let chain = try await fixture.handler.handle(
                csrPEM: try fixture.csr(uri: CAFixture.uri("a", "x")), requestedSeconds: requested,
                credentials: CallerCredentials(bearerToken: token))
            let leaf = try Certificate(pemEncoded: chain[0])
            #expect(abs(leaf.notValidAfter.timeIntervalSince(leaf.notValidBefore) - (expected + 60)) < 3, "requested \(requested)")
        }
        #expect(WorkloadCertificateLifetime().granted(requestedSeconds: 200 * 86400) == .seconds(90 * 86400))
    }

    struct Refusal: CustomTestStringConvertible, Sendable {
        var name: String
        var reason: CARejection.Reason
        var counter: String
        var messagePart: String
        var testDescription: String { name }
    }

    static let refusals: [Refusal] = [
        Refusal(name: "spoofing", reason: .identityNotAllowed, counter: "citadel_server_id_extraction_err_count", messagePart: "may not request a certificate for spiffe://cluster.local/ns/b/sa/y"),
        Refusal(name: "expired", reason: .unauthenticated, counter: "citadel_server_authentication_failure_count", messagePart: "expired"),
        Refusal(name: "not yet valid", reason: .unauthenticated, counter: "citadel_server_authentication_failure_count", messagePart: "not valid before"),
        Refusal(name: "wrong audience", reason: .unauthenticated, counter: "citadel_server_authentication_failure_count", messagePart: "does not include \"istio-ca\""),
        Refusal(name: "wrong issuer", reason: .unauthenticated, counter: "citadel_server_authentication_failure_count", messagePart: "issuer \"https://evil.example\""),
        Refusal(name: "unknown key", reason: .unauthenticated, counter: "citadel_server_authentication_failure_count", messagePart: "no ES256 key with kid \"stranger\""),
        Refusal(name: "bad signature", reason: .unauthenticated, counter: "citadel_server_authentication_failure_count", messagePart: "signature does not verify"),
        Refusal(name: "kubernetes.io disagrees", reason: .unauthenticated, counter: "citadel_server_authentication_failure_count", messagePart: "kubernetes.io claim disagrees"),
        Refusal(name: "no token", reason: .unauthenticated, counter: "citadel_server_authentication_failure_count", messagePart: "no credentials"),
        Refusal(name: "garbage CSR", reason: .invalidRequest, counter: "citadel_server_csr_parsing_err_count", messagePart: "not PEM"),
        Refusal(name: "truncated CSR", reason: .invalidRequest, counter: "citadel_server_csr_parsing_err_count", messagePart: "malformed"),
        Refusal(name: "1024-bit RSA CSR", reason: .invalidRequest, counter: "citadel_server_csr_parsing_err_count", messagePart: "1024 bits; at least 2048"),
        Refusal(name: "P-521 CSR", reason: .invalidRequest, counter: "citadel_server_csr_parsing_err_count", messagePart: "P-521"),
        Refusal(name: "two SANs", reason: .identityNotAllowed, counter: "citadel_server_id_extraction_err_count", messagePart: "exactly one SAN"),
        Refusal(name: "no SAN", reason: .identityNotAllowed, counter: "citadel_server_id_extraction_err_count", messagePart: "it has none"),
    ]

    @Test("refusals: the right reason, counted once, nothing issued", arguments: refusals)
    func refused(_ refusal: Refusal) async throws {
        let fixture = try await CAFixture()
        defer { fixture.directory.remove() }
        let tokens = fixture.tokens
        var csr = try fixture.csr(uri: CAFixture.uri("a", "x"))
        var token: String? = try tokens.token(namespace: "a", serviceAccount: "x")
        switch refusal.name {
        case "spoofing": csr = try fixture.csr(uri: CAFixture.uri("b", "y"))
        case "expired": token = try tokens.token(namespace: "a", serviceAccount: "x", expires: Date().addingTimeInterval(-120))
        case "not yet valid": token = try tokens.token(namespace: "a", serviceAccount: "x", notBefore: Date().addingTimeInterval(600))
        case "wrong audience": token = try tokens.token(namespace: "a", serviceAccount: "x", audience: ["kubernetes"])
        case "wrong issuer": token = try tokens.token(namespace: "a", serviceAccount: "x", issuer: "https://evil.example")
        case "unknown key": token = try TokenIssuer.ec(id: "stranger").token(namespace: "a", serviceAccount: "x")
        case "bad signature":
            let other = TokenIssuer(key: TokenIssuer.ec().key, keyID: tokens.keyID)
            token = try other.token(namespace: "a", serviceAccount: "x")
        case "kubernetes.io disagrees": token = try tokens.token(namespace: "a", serviceAccount: "x", kubernetesNamespace: "kube-system")
        case "no token": token = nil
        case "garbage CSR": csr = "hello"
        case "truncated CSR": csr = String(csr.prefix(120)) + "\n-----END CERTIFICATE REQUEST-----\n"
        case "1024-bit RSA CSR": csr = try fixture.csr(key: "rsa:1024", uri: CAFixture.uri("a", "x"))
        case "P-521 CSR": csr = try fixture.csr(key: "ec:P-521", uri: CAFixture.uri("a", "x"))
        case "two SANs":
            csr = try OpenSSLTool.csr(in: fixture.directory.url, uri: CAFixture.uri("a", "x") + ",DNS:evil.example")
        case "no SAN": csr = try fixture.csr(uri: nil)
        default: Issue.record("unknown case")
        }
        await #expect {
            _ = try await fixture.handler.handle(csrPEM: csr, requestedSeconds: 0, credentials: CallerCredentials(bearerToken: token))
        } throws: { error in
            guard let rejection = error as? CARejection else { return false }
            #expect(rejection.message.contains(refusal.messagePart), "\(rejection.message)")
            return rejection.reason == refusal.reason
        }
        #expect(fixture.counter("citadel_server_csr_count") == 1)
        #expect(fixture.counter(refusal.counter) == 1)
        #expect(fixture.counter("citadel_server_success_cert_issuance_count") == 0)
    }

    @Test("without --jwks-file tokens are refused with the reason; certificates still renew")
    func noJWKS() async throws {
        let fixture = try await CAFixture(withTokens: false)
        defer { fixture.directory.remove() }
        let token = try fixture.tokens.token(namespace: "a", serviceAccount: "x")
        await #expect {
            _ = try await fixture.handler.handle(
                csrPEM: try fixture.csr(uri: CAFixture.uri("a", "x")), requestedSeconds: 0,
                credentials: CallerCredentials(bearerToken: token))
        } throws: { error in
            (error as? CARejection)?.message.contains("started without --jwks-file") == true
        }

        // A certificate of this CA authenticates its holder.
        let csr = try ValidatedCSR(pem: try fixture.csr(uri: CAFixture.uri("a", "x")))
        let current = try fixture.ca.sign(publicKey: csr.request.publicKey, names: csr.names, lifetime: .seconds(600))
        let renewed = try await fixture.handler.handle(
            csrPEM: try fixture.csr(uri: CAFixture.uri("a", "x")), requestedSeconds: 0,
            credentials: CallerCredentials(peerCertificates: current))
        _ = try fixture.verifyWithOpenSSL(renewed)
        // ...but only for its own identity.
        await #expect(throws: CARejection.self) {
            _ = try await fixture.handler.handle(
                csrPEM: try fixture.csr(uri: CAFixture.uri("b", "y")), requestedSeconds: 0,
                credentials: CallerCredentials(peerCertificates: current))
        }
    }

    @Test("a certificate from another CA, or an expired one, does not authenticate")
    func foreignCertificate() async throws {
        let fixture = try await CAFixture(withTokens: false)
        let other = try await CAFixture(withTokens: false)
        defer { fixture.directory.remove(); other.directory.remove() }
        let csr = try ValidatedCSR(pem: try fixture.csr(uri: CAFixture.uri("a", "x")))
        let foreign = try other.ca.sign(publicKey: csr.request.publicKey, names: csr.names, lifetime: .seconds(600))
        let expired = try LocalCertificateAuthority(fixture.ca.current, clock: { Date().addingTimeInterval(-7200) })
            .sign(publicKey: csr.request.publicKey, names: csr.names, lifetime: .seconds(600))
        for chain in [foreign, expired] {
            await #expect {
                _ = try await fixture.handler.handle(
                    csrPEM: try fixture.csr(uri: CAFixture.uri("a", "x")), requestedSeconds: 0,
                    credentials: CallerCredentials(peerCertificates: chain))
            } throws: { error in
                (error as? CARejection)?.message.contains("client certificate: not a valid certificate of this CA") == true
            }
        }
        #expect(fixture.counter("citadel_server_authentication_failure_count") == 2)
    }
}
