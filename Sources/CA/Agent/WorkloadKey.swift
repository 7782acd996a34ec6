import Crypto
import _CryptoExtras
public import X509

/// The algorithm of the workload's private key (`--key-type`).
public enum WorkloadKeyType: String, Sendable, CaseIterable {
    /// ECDSA on P-256: Istio's default for workload keys, and the cheapest to sign with.
    case ecdsa
    /// RSA 2048, for peers that cannot do ECDSA.
    case rsa
}

/// A workload private key, made by the agent and never sent anywhere.
///
/// It lives in memory, goes to Envoy over the local SDS socket and, when asked, into
/// `key.pem` in the output directory (mode 0600). A fresh key is made for every CSR,
/// so a renewal also rotates the key.
public struct WorkloadKey: Sendable {
    /// The key, in the form swift-certificates signs with.
    public let privateKey: Certificate.PrivateKey
    /// The key's type.
    public let type: WorkloadKeyType

    /// A new random key of `type`.
    public static func generate(_ type: WorkloadKeyType) throws -> WorkloadKey {
        switch type {
        case .ecdsa:
            return WorkloadKey(privateKey: Certificate.PrivateKey(P256.Signing.PrivateKey()), type: type)
        case .rsa:
            let rsa = try _RSA.Signing.PrivateKey(keySize: .bits2048)
            return WorkloadKey(privateKey: Certificate.PrivateKey(rsa), type: type)
        }
    }

    /// The key as PEM (PKCS#8), for Envoy's `private_key` and `key.pem`.
    public func pem() throws -> String {
        try privateKey.serializeAsPEM().pemString
    }

    /// The signature algorithm a CSR made with this key uses.
    var signatureAlgorithm: Certificate.SignatureAlgorithm {
        switch type {
        case .ecdsa: .ecdsaWithSHA256
        case .rsa: .sha256WithRSAEncryption
        }
    }
}
