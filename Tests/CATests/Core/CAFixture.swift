import Foundation
import MetricsTestKit
import X509
@testable import CA

/// A file-mode CA in a temporary directory with a token issuer, a request handler
/// counting into test metrics, and helpers to read results with openssl.
struct CAFixture {
    let directory: TemporaryDirectory
    let ca: LocalCertificateAuthority
    let tokens: TokenIssuer
    let metrics = TestMetrics()
    var lifetime = WorkloadCertificateLifetime()
    var tokenReviewer: (any TokenReviewer)?

    static let trustDomain = "cluster.local"

    init(keyType: CAKeyType = .ec, withTokens: Bool = true) async throws {
        directory = try TemporaryDirectory()
        let authority = try await CADirectory(path: directory.file("ca").path).loadOrCreate(
            keyType: keyType, trustDomain: Self.trustDomain, rootLifetime: .seconds(10 * 365 * 86400), now: Date())
        ca = LocalCertificateAuthority(authority)
        tokens = TokenIssuer.ec()
        if withTokens {
            tokenReviewer = LocalTokenVerifier(
                keys: try JSONWebKeySet(json: try TokenIssuer.jwks([tokens])), issuer: tokens.issuer)
        }
    }

    var handler: CertificateRequestHandler {
        CertificateRequestHandler(
            ca: ca,
            authenticator: CallerAuthenticator(trustDomain: Self.trustDomain, tokenReviewer: tokenReviewer, ca: ca),
            lifetime: lifetime,
            metrics: CAMetrics(factory: metrics))
    }

    func counter(_ name: String) -> Int64 {
        (try? metrics.expectCounter(name).totalValue) ?? 0
    }

    func csr(key: String = "ec:P-256", uri: String?) throws -> String {
        try OpenSSLTool.csr(in: directory.url, key: key, uri: uri)
    }

    static func uri(_ namespace: String, _ serviceAccount: String) -> String {
        "spiffe://\(trustDomain)/ns/\(namespace)/sa/\(serviceAccount)"
    }

    /// Writes `chain` (leaf first) and the CA's bundle and asks `openssl verify`;
    /// returns the leaf's `openssl x509 -text`.
    func verifyWithOpenSSL(_ chain: [String], name: String = "leaf") throws -> String {
        try directory.write(chain[0], to: "\(name).pem")
        try directory.write(chain.dropFirst().joined(), to: "\(name)-chain.pem")
        try directory.write(ca.trustBundlePEM, to: "bundle.pem")
        try OpenSSLTool.run(
            ["verify", "-x509_strict", "-purpose", "sslclient", "-CAfile", "bundle.pem",
             "-untrusted", "\(name)-chain.pem", "\(name).pem"],
            in: directory.url)
        try OpenSSLTool.run(
            ["verify", "-purpose", "sslserver", "-CAfile", "bundle.pem", "-untrusted", "\(name)-chain.pem", "\(name).pem"],
            in: directory.url)
        return try OpenSSLTool.run(["x509", "-noout", "-text", "-in", "\(name).pem"], in: directory.url)
    }
}
