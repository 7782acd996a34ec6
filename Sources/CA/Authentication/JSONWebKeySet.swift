public import Foundation
import Crypto
import _CryptoExtras

/// The keys service-account tokens are checked against in file mode
/// (`--jwks-file`): a standard JWKS document (RFC 7517) of RSA and P-256 keys, as
/// a Kubernetes API server publishes at `/openid/v1/jwks`.
public struct JSONWebKeySet: Sendable {
    /// One verification key.
    public struct Key: Sendable {
        /// What the key verifies.
        public enum Material: Sendable {
            /// RS256 (RSASSA-PKCS1-v1_5 with SHA-256).
            case rsa(_RSA.Signing.PublicKey)
            /// ES256 (ECDSA P-256 with SHA-256).
            case p256(P256.Signing.PublicKey)
        }

        /// The key id tokens name in their `kid` header, if the JWKS gives one.
        public var id: String?
        /// The key.
        public var material: Material

        /// The JWS algorithm this key verifies.
        public var algorithm: String {
            switch material {
            case .rsa: "RS256"
            case .p256: "ES256"
            }
        }
    }

    /// The usable keys, in document order.
    public var keys: [Key]

    public init(keys: [Key]) {
        self.keys = keys
    }

    /// Parses a JWKS document. Keys of other types (or curves) are skipped, as
    /// verifiers do; a document with no usable key at all is an error.
    public init(json: Data) throws(CASetupError) {
        guard let object = try? JSONSerialization.jsonObject(with: json) as? [String: Any],
            let entries = object["keys"] as? [[String: Any]]
        else {
            throw CASetupError("not a JWKS document (expected an object with a \"keys\" array)")
        }
        var keys: [Key] = []
        for (index, entry) in entries.enumerated() {
            let id = entry["kid"] as? String
            switch entry["kty"] as? String {
            case "RSA":
                guard let n = (entry["n"] as? String).flatMap(Base64URL.decode),
                    let e = (entry["e"] as? String).flatMap(Base64URL.decode)
                else { throw CASetupError("key \(index): RSA key without n and e") }
                do {
                    keys.append(Key(id: id, material: .rsa(try _RSA.Signing.PublicKey(n: n, e: e))))
                } catch {
                    throw CASetupError("key \(index): unusable RSA key (at least 2048 bits required)")
                }
            case "EC":
                guard entry["crv"] as? String == "P-256" else { continue }
                guard let x = (entry["x"] as? String).flatMap(Base64URL.decode),
                    let y = (entry["y"] as? String).flatMap(Base64URL.decode), x.count == 32, y.count == 32
                else { throw CASetupError("key \(index): P-256 key without 32-byte x and y") }
                do {
                    keys.append(Key(id: id, material: .p256(try P256.Signing.PublicKey(rawRepresentation: x + y))))
                } catch {
                    throw CASetupError("key \(index): x and y are not a point on P-256")
                }
            default:
                continue
            }
        }
        guard !keys.isEmpty else { throw CASetupError("no RSA or P-256 key") }
        self.keys = keys
    }

    /// Reads and parses the JWKS file at `path`.
    public init(contentsOfFile path: String) throws(CASetupError) {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw CASetupError("cannot read the file: \((error as NSError).localizedDescription)")
        }
        try self.init(json: data)
    }
}

extension JSONWebKeySet.Key {
    /// Whether `signature` is this key's JWS signature over `signingInput`.
    func verifies(signature: Data, signingInput: Data) -> Bool {
        switch material {
        case .rsa(let key):
            return key.isValidSignature(
                _RSA.Signing.RSASignature(rawRepresentation: signature), for: signingInput,
                padding: .insecurePKCS1v1_5)
        case .p256(let key):
            // JWS carries ECDSA signatures as raw r||s, not DER.
            guard let ecdsa = try? P256.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
            return key.isValidSignature(ecdsa, for: signingInput)
        }
    }
}
