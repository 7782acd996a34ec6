public import Foundation
public import X509
import Crypto
import SwiftASN1

/// Making self-signed roots: the first one, and the re-issue that root rotation uses.
public enum RootCertificate {
    /// Istio's organization for its self-signed roots, so tools that look for it
    /// (and people reading `openssl x509 -text`) recognise the CA.
    public static let defaultOrganization = "cluster.local"

    /// A self-signed CA certificate for `key`, valid from `now` (backdated a minute)
    /// for `lifetime`, with subject `O=<trust domain>`.
    ///
    /// Rotation calls this with the existing key, as Istio does: workloads that pin
    /// the key keep working and the new root differs only in dates and serial.
    public static func make(
        key: Certificate.PrivateKey, trustDomain: String, now: Date, lifetime: Duration
    ) throws -> Certificate {
        let name = try DistinguishedName {
            OrganizationName(trustDomain)
        }
        let extensions = try Certificate.Extensions {
            Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
            Critical(KeyUsage(digitalSignature: true, keyCertSign: true, cRLSign: true))
            SubjectKeyIdentifier(hash: key.publicKey)
        }
        return try Certificate(
            version: .v3,
            serialNumber: .random128(),
            publicKey: key.publicKey,
            notValidBefore: now.addingTimeInterval(-LeafIssuer.backdate),
            notValidAfter: now.addingTimeInterval(lifetime.timeInterval),
            issuer: name,
            subject: name,
            signatureAlgorithm: key.certificateSignatureAlgorithm,
            extensions: extensions,
            issuerPrivateKey: key
        )
    }
}

extension SubjectKeyIdentifier {
    /// The SHA-1 of the public key bits: RFC 5280's method 1, what openssl and Go use.
    init(hash key: Certificate.PublicKey) {
        let digest = Insecure.SHA1.hash(data: Array(key.subjectPublicKeyInfoBytes))
        self.init(keyIdentifier: ArraySlice(digest))
    }
}

extension Duration {
    /// The duration as fractional seconds, for `Date` arithmetic.
    var timeInterval: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
