public import X509
import SwiftASN1

/// A PKCS#10 request that parsed, whose signature verifies, and whose key the CA
/// accepts (RSA of 2048 bits or more, ECDSA on P-256 or P-384).
public struct ValidatedCSR: Sendable {
    /// The parsed request.
    public var request: CertificateSigningRequest
    /// The subject alternative names it asks for, in order.
    public var names: [GeneralName]

    /// Checks `pem`, throwing an ``CARejection/Reason/invalidRequest`` rejection that
    /// names the problem.
    public init(pem: String) throws(CARejection) {
        func invalid(_ message: String) -> CARejection { CARejection(.invalidRequest, message) }
        guard pem.contains("-----BEGIN CERTIFICATE REQUEST-----") else {
            throw invalid("the CSR is not PEM (expected a CERTIFICATE REQUEST block)")
        }
        let request: CertificateSigningRequest
        do {
            request = try CertificateSigningRequest(pemEncoded: pem)
        } catch {
            // swift-certificates refuses small RSA keys while parsing; say so plainly.
            if let bits = CSRKeyProbe.rsaModulusBits(pem: pem), bits < 2048 {
                throw invalid("the CSR's RSA key has \(bits) bits; at least 2048 are required")
            }
            throw invalid("the CSR is malformed: \(error)")
        }
        switch request.publicKey.keyAlgorithm {
        case .p256, .p384:
            break
        case .rsa(let bits) where bits >= 2048:
            break
        case .rsa(let bits):
            throw invalid("the CSR's RSA key has \(bits) bits; at least 2048 are required")
        case .p521:
            throw invalid("the CSR's key is on curve P-521; only P-256 and P-384 are accepted")
        case .ed25519:
            throw invalid("the CSR's key is Ed25519; only RSA and ECDSA P-256/P-384 are accepted")
        }
        guard request.publicKey.isValidSignature(request.signature, for: request) else {
            throw invalid("the CSR's signature does not verify with its own key")
        }
        let names: [GeneralName]
        do {
            names = try request.attributes.extensionRequest?.extensions.subjectAlternativeNames.map(Array.init) ?? []
        } catch {
            throw invalid("the CSR's requested extensions are malformed: \(error)")
        }
        self.request = request
        self.names = names
    }

    /// The identity the CSR may be issued for: its only SAN must be `caller`'s URI.
    ///
    /// Anything else (no SAN, several, a DNS name, another workload's URI) is
    /// refused, so a caller can never obtain a certificate naming someone else.
    public func authorize(for caller: SPIFFEID) throws(CARejection) -> SPIFFEID {
        guard names.count == 1, case .uniformResourceIdentifier(let uri) = names[0] else {
            throw CARejection(
                .identityNotAllowed,
                "the CSR must carry exactly one SAN, the URI \(caller.uri); it has \(Self.describe(names))")
        }
        guard uri == caller.uri else {
            throw CARejection(.identityNotAllowed, "the caller \(caller.uri) may not request a certificate for \(uri)")
        }
        return caller
    }

    static func describe(_ names: [GeneralName]) -> String {
        names.isEmpty ? "none" : names.map { "\($0)" }.joined(separator: ", ")
    }
}

/// Reads the RSA modulus size out of a CSR that swift-certificates would not parse,
/// so a too-small key is reported as such rather than as "malformed".
enum CSRKeyProbe {
    static let rsaEncryption: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 1, 1]

    static func rsaModulusBits(pem: String) -> Int? {
        guard let document = try? PEMDocument(pemString: pem),
            let root = try? DER.parse(document.derBytes),
            case .constructed(let request) = root.content,
            let info = request.first(where: { _ in true }),
            case .constructed(let infoFields) = info.content
        else { return nil }
        let fields = Array(infoFields)
        guard fields.count >= 3, case .constructed(let spki) = fields[2].content else { return nil }
        let spkiFields = Array(spki)
        guard spkiFields.count == 2, case .constructed(let algorithm) = spkiFields[0].content,
            let oidNode = algorithm.first(where: { _ in true }),
            let oid = try? ASN1ObjectIdentifier(derEncoded: oidNode), oid == rsaEncryption,
            let bits = try? ASN1BitString(derEncoded: spkiFields[1]),
            let rsaKey = try? DER.parse(Array(bits.bytes)),
            case .constructed(let numbers) = rsaKey.content,
            let modulusNode = numbers.first(where: { _ in true }),
            case .primitive(let modulus) = modulusNode.content
        else { return nil }
        let significant = modulus.drop(while: { $0 == 0 })
        guard let first = significant.first else { return 0 }
        return (significant.count - 1) * 8 + (8 - first.leadingZeroBitCount)
    }
}
