public import X509
import Crypto
import _CryptoExtras

/// The kind of key a self-signed root is made with (`--ca-key-type`).
public enum CAKeyType: String, Sendable, CaseIterable {
    /// ECDSA on P-256: Istio's default for new roots, and the fastest to sign with.
    case ec
    /// RSA 2048: for meshes whose peers cannot verify ECDSA.
    case rsa

    /// A fresh private key of this kind.
    public func generate() throws -> Certificate.PrivateKey {
        switch self {
        case .ec: Certificate.PrivateKey(P256.Signing.PrivateKey())
        case .rsa: Certificate.PrivateKey(try _RSA.Signing.PrivateKey(keySize: .bits2048))
        }
    }
}

extension Certificate.PrivateKey {
    /// The signature algorithm this key signs certificates with: SHA-256 for P-256
    /// and RSA, SHA-384 for P-384 (a plugged-in CA may bring one).
    var certificateSignatureAlgorithm: Certificate.SignatureAlgorithm {
        switch publicKey.keyAlgorithm {
        case .p384: .ecdsaWithSHA384
        case .p521: .ecdsaWithSHA512
        case .rsa: .sha256WithRSAEncryption
        default: .ecdsaWithSHA256
        }
    }
}

extension Certificate.PublicKey {
    /// The key's algorithm, with the RSA modulus size, for messages and policy.
    enum KeyAlgorithm: Equatable {
        case p256, p384, p521, ed25519
        case rsa(bits: Int)
    }

    var keyAlgorithm: KeyAlgorithm {
        if P256.Signing.PublicKey(self) != nil { return .p256 }
        if P384.Signing.PublicKey(self) != nil { return .p384 }
        if P521.Signing.PublicKey(self) != nil { return .p521 }
        if let rsa = _RSA.Signing.PublicKey(self) { return .rsa(bits: rsa.keySizeInBits) }
        return .ed25519
    }
}
