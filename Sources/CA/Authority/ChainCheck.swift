public import Foundation
@_spi(FixedExpiryValidationTime) public import X509
import SwiftASN1

/// Verifying a certificate up to trusted roots with swift-certificates' RFC 5280
/// checks: the plugged-in CA at start, and client certificates presented for renewal.
public enum ChainCheck {
    /// Why a chain was refused.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        /// The verifier's reasons, joined.
        public var problem: String
        public var description: String { problem }
    }

    /// The chain from `certificate` to one of `roots` through `intermediates`, valid
    /// at `time`; throws with the verifier's reasons otherwise.
    ///
    /// `workloadLeaf` adds ``SPIFFELeafPolicy``: workload leaves carry a critical SAN,
    /// which plain RFC 5280 verification refuses as an unhandled critical extension.
    public static func verify(
        _ certificate: Certificate, intermediates: [Certificate], roots: [Certificate], at time: Date,
        workloadLeaf: Bool = false
    ) async throws(Failure) -> [Certificate] {
        var verifier = Verifier(rootCertificates: CertificateStore(roots)) {
            RFC5280Policy(fixedExpiryValidationTime: time)
            if workloadLeaf { SPIFFELeafPolicy() }
        }
        let result = await verifier.validate(leaf: certificate, intermediates: CertificateStore(intermediates))
        switch result {
        case .validCertificate(let chain):
            return Array(chain)
        case .couldNotValidate(let failures):
            let reasons = failures.map { "\($0.policyFailureReason)" }
            throw Failure(problem: reasons.isEmpty ? "no path to a trusted root" : reasons.joined(separator: "; "))
        }
    }
}

/// Accepts a leaf whose SAN (critical, as the CA issues it) names exactly one
/// SPIFFE identity; lists the SAN extension as handled so RFC 5280 checks pass it.
public struct SPIFFELeafPolicy: VerifierPolicy {
    public let verifyingCriticalExtensions: [ASN1ObjectIdentifier] = [
        .X509ExtensionID.subjectAlternativeName
    ]

    public init() {}

    public mutating func chainMeetsPolicyRequirements(chain: UnverifiedCertificateChain) async -> PolicyEvaluationResult {
        guard SPIFFEID.only(in: chain.leaf) != nil else {
            return .failsToMeetPolicy(reason: "the certificate does not name exactly one SPIFFE identity")
        }
        return .meetsPolicy
    }
}

extension SPIFFEID {
    /// The identity in `certificate`'s SAN, when it names exactly one SPIFFE URI.
    public static func only(in certificate: Certificate) -> SPIFFEID? {
        guard let names = try? certificate.extensions.subjectAlternativeNames else { return nil }
        let uris = names.compactMap { name -> SPIFFEID? in
            guard case .uniformResourceIdentifier(let uri) = name else { return nil }
            return SPIFFEID(uri: uri)
        }
        return uris.count == 1 ? uris[0] : nil
    }
}
