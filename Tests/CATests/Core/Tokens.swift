import Crypto
import _CryptoExtras
import Foundation
@testable import CA

/// Signs service-account JWTs the way an API server does, and writes the JWKS that
/// verifies them.
struct TokenIssuer {
    enum Key {
        case es256(P256.Signing.PrivateKey)
        case rs256(_RSA.Signing.PrivateKey)
    }

    var key: Key
    var keyID: String
    var issuer = "https://kubernetes.default.svc.cluster.local"

    static func ec(id: String = "ec-1") -> TokenIssuer { TokenIssuer(key: .es256(P256.Signing.PrivateKey()), keyID: id) }
    static func rsa(id: String = "rsa-1") throws -> TokenIssuer {
        TokenIssuer(key: .rs256(try _RSA.Signing.PrivateKey(keySize: .bits2048)), keyID: id)
    }

    /// A token with the usual claims, overridable one by one.
    func token(
        namespace: String, serviceAccount: String, audience: [String] = ["istio-ca"], issuer: String? = nil,
        expires: Date = Date().addingTimeInterval(3600), notBefore: Date? = nil,
        kubernetesNamespace: String? = nil
    ) throws -> String {
        var claims: [String: Any] = [
            "iss": issuer ?? self.issuer,
            "aud": audience,
            "sub": "system:serviceaccount:\(namespace):\(serviceAccount)",
            "exp": Int(expires.timeIntervalSince1970),
            "iat": Int(Date().timeIntervalSince1970),
            "kubernetes.io": [
                "namespace": kubernetesNamespace ?? namespace,
                "serviceaccount": ["name": serviceAccount, "uid": UUID().uuidString],
            ],
        ]
        if let notBefore { claims["nbf"] = Int(notBefore.timeIntervalSince1970) }
        let header: [String: Any] = ["alg": algorithm, "kid": keyID, "typ": "JWT"]
        let input =
            Base64URL.encode(try JSONSerialization.data(withJSONObject: header)) + "."
            + Base64URL.encode(try JSONSerialization.data(withJSONObject: claims))
        let signature: Data
        switch key {
        case .es256(let key):
            signature = try key.signature(for: Data(input.utf8)).rawRepresentation
        case .rs256(let key):
            signature = try key.signature(for: Data(input.utf8), padding: .insecurePKCS1v1_5).rawRepresentation
        }
        return input + "." + Base64URL.encode(signature)
    }

    var algorithm: String {
        switch key {
        case .es256: "ES256"
        case .rs256: "RS256"
        }
    }

    /// This key as a JWK object.
    var jwk: [String: Any] {
        switch key {
        case .es256(let key):
            let raw = key.publicKey.rawRepresentation
            return [
                "kty": "EC", "crv": "P-256", "kid": keyID, "use": "sig", "alg": "ES256",
                "x": Base64URL.encode(raw.prefix(32)), "y": Base64URL.encode(raw.suffix(32)),
            ]
        case .rs256(let key):
            let primitives = try! key.publicKey.getKeyPrimitives()
            return [
                "kty": "RSA", "kid": keyID, "use": "sig", "alg": "RS256",
                "n": Base64URL.encode(primitives.modulus), "e": Base64URL.encode(primitives.publicExponent),
            ]
        }
    }

    /// A JWKS document holding `issuers`' keys.
    static func jwks(_ issuers: [TokenIssuer]) throws -> Data {
        try JSONSerialization.data(withJSONObject: ["keys": issuers.map(\.jwk)])
    }
}
