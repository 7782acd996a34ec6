public import Foundation
public import X509

/// What the CA signs with at one moment: its certificate and key, the certificates
/// between it and the root, and the roots workloads should trust.
///
/// A value: root rotation makes a new one rather than changing this one, so a
/// signature in flight always uses a consistent set.
public struct SigningAuthority: Sendable {
    /// The certificate leaves are issued under (`ca-cert.pem`).
    public var certificate: Certificate
    /// The key of ``certificate`` (`ca-key.pem`).
    public var privateKey: Certificate.PrivateKey
    /// Certificates after ``certificate`` up to, not including, the root: empty for a
    /// self-signed root; a plugged-in intermediate's parents otherwise.
    public var intermediates: [Certificate]
    /// The root ``certificate`` chains to (itself when self-signed).
    public var root: Certificate
    /// Every root workloads should trust, current first. Holds a previous root for
    /// the overlap after a rotation.
    public var trustBundle: [Certificate]

    public init(
        certificate: Certificate, privateKey: Certificate.PrivateKey, intermediates: [Certificate] = [],
        root: Certificate, trustBundle: [Certificate]? = nil
    ) {
        self.certificate = certificate
        self.privateKey = privateKey
        self.intermediates = intermediates
        self.root = root
        self.trustBundle = trustBundle ?? [root]
    }

    /// Whether the CA certificate is its own root (file mode's generated root),
    /// which is the only case controld rotates itself.
    public var isSelfSigned: Bool { certificate == root }

    /// The chain after a leaf: the CA certificate, intermediates, then the root,
    /// each once.
    public var chainAfterLeaf: [Certificate] {
        var chain = [certificate] + intermediates
        if chain.last != root { chain.append(root) }
        return chain
    }

    /// The earliest expiry along the signing chain, the moment after which nothing
    /// this authority issues can verify.
    public var chainExpiry: Date {
        chainAfterLeaf.map(\.notValidAfter).min() ?? certificate.notValidAfter
    }
}
