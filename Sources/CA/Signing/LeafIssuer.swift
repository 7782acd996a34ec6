public import Foundation
public import X509
import SwiftASN1

/// Issuing end-entity certificates under a ``SigningAuthority``: workload leaves
/// from CSRs and the secure port's own serving certificate.
///
/// Every leaf has what Istio's have: an empty subject with a critical SAN (RFC 5280
/// requires the SAN critical when the subject is empty), digital signature and key
/// encipherment, server and client auth, a random 128-bit serial, and a notBefore a
/// minute in the past so a peer whose clock runs slightly behind accepts it at once.
public enum LeafIssuer {
    /// How far notBefore is set back, for clock skew between CA and peers.
    public static let backdate: TimeInterval = 60

    /// A leaf for `publicKey` naming `names`, valid from `now - backdate` until
    /// `now + lifetime` or the CA chain's expiry, whichever is first.
    public static func issue(
        publicKey: Certificate.PublicKey,
        names: [GeneralName],
        lifetime: Duration,
        authority: SigningAuthority,
        now: Date
    ) throws -> Certificate {
        let notBefore = now.addingTimeInterval(-backdate)
        // A leaf outliving its CA would fail verification anyway; ending it with the
        // chain makes the failure visible as an expiry date rather than a mystery.
        let notAfter = min(now.addingTimeInterval(lifetime.timeInterval), authority.chainExpiry)
        let extensions = try Certificate.Extensions {
            Critical(BasicConstraints.notCertificateAuthority)
            Critical(KeyUsage(digitalSignature: true, keyEncipherment: true))
            try ExtendedKeyUsage([.serverAuth, .clientAuth])
            AuthorityKeyIdentifier(keyIdentifier: authorityKeyIdentifier(of: authority.certificate))
            Critical(SubjectAlternativeNames(names))
        }
        return try Certificate(
            version: .v3,
            serialNumber: .random128(),
            publicKey: publicKey,
            notValidBefore: notBefore,
            notValidAfter: notAfter,
            issuer: authority.certificate.subject,
            subject: DistinguishedName(),
            signatureAlgorithm: authority.privateKey.certificateSignatureAlgorithm,
            extensions: extensions,
            issuerPrivateKey: authority.privateKey
        )
    }

    /// The issuer's subject key identifier, or one computed from its key when the
    /// (plugged-in) certificate carries none.
    static func authorityKeyIdentifier(of issuer: Certificate) -> ArraySlice<UInt8> {
        if let ski = try? issuer.extensions.subjectKeyIdentifier {
            return ski.keyIdentifier
        }
        return SubjectKeyIdentifier(hash: issuer.publicKey).keyIdentifier
    }
}
