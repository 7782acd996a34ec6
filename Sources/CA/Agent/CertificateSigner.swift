/// Something that turns a CSR into a certificate chain: the CA over gRPC in
/// production, a stand-in in tests.
public protocol CertificateSigner: Sendable {
    /// Asks for a certificate for `csrPEM`, valid for `validity`.
    ///
    /// - Parameter current: the credentials held now, which a signer may present as a
    ///   client certificate to authenticate a renewal.
    /// - Returns: the chain as PEM strings, leaf first, root last.
    func sign(csrPEM: String, validity: Duration, current: WorkloadCredentials?) async throws -> [String]
}
