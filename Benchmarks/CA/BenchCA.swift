import CA
import Crypto
import Foundation
import X509

/// The CA under test, built the way `controld serve` builds it in file mode: a root
/// made in a temporary `--ca-dir`, a local JWKS token verifier, and the request
/// handler the secure port calls.
struct BenchCA {
    static let trustDomain = "cluster.local"
    static let identity = WorkloadIdentity(trustDomain: trustDomain, namespace: "bench", serviceAccount: "bench")
    static let issuer = "https://kubernetes.default.svc.cluster.local"

    let directory: URL
    let ca: LocalCertificateAuthority
    let verifier: LocalTokenVerifier
    let handler: CertificateRequestHandler
    /// A service-account token for ``identity``, valid for the run.
    let token: String

    init(keyType: CAKeyType) async throws {
        directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("ca-bench-\(UInt32.random(in: .min ... .max))")
        let authority = try await CADirectory(path: directory.appendingPathComponent("ca").path).loadOrCreate(
            keyType: keyType, trustDomain: Self.trustDomain, rootLifetime: .seconds(10 * 365 * 86400), now: Date())
        ca = LocalCertificateAuthority(authority)
        let tokenKey = P256.Signing.PrivateKey()
        verifier = LocalTokenVerifier(keys: try JSONWebKeySet(json: try BenchToken.jwks(tokenKey)), issuer: Self.issuer)
        handler = CertificateRequestHandler(
            ca: ca,
            authenticator: CallerAuthenticator(trustDomain: Self.trustDomain, tokenReviewer: verifier, ca: ca),
            lifetime: WorkloadCertificateLifetime(),
            // The process's metrics system is never bootstrapped here, so counting
            // costs what a no-op counter costs.
            metrics: CAMetrics())
        token = try BenchToken.token(key: tokenKey, issuer: Self.issuer, identity: Self.identity)
    }

    /// The CA directory's files, for openssl.
    var caCertPath: String { directory.appendingPathComponent("ca/\(CADirectory.caCertFile)").path }
    var caKeyPath: String { directory.appendingPathComponent("ca/\(CADirectory.caKeyFile)").path }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}

/// Service-account JWTs signed ES256 as an API server signs them, and the JWKS that
/// verifies them (what `--jwks-file` holds).
enum BenchToken {
    static let keyID = "bench"

    static func token(key: P256.Signing.PrivateKey, issuer: String, identity: WorkloadIdentity) throws -> String {
        let now = Int(Date().timeIntervalSince1970)
        let claims: [String: Any] = [
            "iss": issuer, "aud": ["istio-ca"],
            "sub": "system:serviceaccount:\(identity.namespace):\(identity.serviceAccount)",
            "iat": now, "exp": now + 24 * 3600,
            "kubernetes.io": ["namespace": identity.namespace, "serviceaccount": ["name": identity.serviceAccount]],
        ]
        let header: [String: Any] = ["alg": "ES256", "kid": keyID, "typ": "JWT"]
        let input =
            base64URL(try JSONSerialization.data(withJSONObject: header)) + "."
            + base64URL(try JSONSerialization.data(withJSONObject: claims))
        return input + "." + base64URL(try key.signature(for: Data(input.utf8)).rawRepresentation)
    }

    static func jwks(_ key: P256.Signing.PrivateKey) throws -> Data {
        let raw = key.publicKey.rawRepresentation
        let jwk: [String: Any] = [
            "kty": "EC", "crv": "P-256", "kid": keyID, "use": "sig", "alg": "ES256",
            "x": base64URL(raw.prefix(32)), "y": base64URL(raw.suffix(32)),
        ]
        return try JSONSerialization.data(withJSONObject: ["keys": [jwk]])
    }

    static func base64URL(_ data: some DataProtocol) -> String {
        Data(data).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

/// CSRs made before any timing, the way the agent makes them (a fresh key, its
/// SPIFFE URI as the only SAN): generating keys is the workload's cost, not the
/// CA's, so the timed part cycles through these.
struct CSRPool: Sendable {
    let keyType: WorkloadKeyType
    let pems: [String]

    init(keyType: WorkloadKeyType, count: Int) throws {
        self.keyType = keyType
        pems = try (0..<count).map { _ in
            try WorkloadCSR.pem(identity: BenchCA.identity, key: try WorkloadKey.generate(keyType))
        }
    }

    subscript(index: Int) -> String { pems[index % pems.count] }

    /// How the table names the key.
    var label: String {
        switch keyType {
        case .ecdsa: "ECDSA P-256"
        case .rsa: "RSA 2048"
        }
    }
}
