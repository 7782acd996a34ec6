public import X509

/// Builds the PKCS#10 request the agent sends to the CA.
///
/// The subject is empty and the only name is the SPIFFE URI in a subjectAltName
/// extension request, as Istio's agent does: the CA takes the identity from the SAN
/// and refuses anything else.
public enum WorkloadCSR {
    /// A signed CSR for `identity` over `key`'s public key.
    public static func make(identity: WorkloadIdentity, key: WorkloadKey) throws -> CertificateSigningRequest {
        let extensions = try Certificate.Extensions {
            SubjectAlternativeNames([.uniformResourceIdentifier(identity.spiffeURI)])
        }
        let attributes = try CertificateSigningRequest.Attributes([
            .init(ExtensionRequest(extensions: extensions))
        ])
        return try CertificateSigningRequest(
            version: .v1,
            subject: DistinguishedName(),
            privateKey: key.privateKey,
            attributes: attributes,
            signatureAlgorithm: key.signatureAlgorithm
        )
    }

    /// The same, PEM-encoded as `IstioCertificateRequest.csr` carries it.
    public static func pem(identity: WorkloadIdentity, key: WorkloadKey) throws -> String {
        try make(identity: identity, key: key).serializeAsPEM().pemString
    }
}
