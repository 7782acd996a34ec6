import X509

/// The CA's request path, free of gRPC: count, authenticate, check the CSR,
/// authorize its identity, sign.
///
/// Authentication comes first so an anonymous caller learns nothing about how its
/// CSR would have been judged.
public struct CertificateRequestHandler: Sendable {
    /// Signs.
    public var ca: any CertificateAuthority
    /// Decides who the caller is.
    public var authenticator: CallerAuthenticator
    /// How long leaves live.
    public var lifetime: WorkloadCertificateLifetime
    /// Where counts go.
    public var metrics: CAMetrics

    public init(
        ca: any CertificateAuthority, authenticator: CallerAuthenticator, lifetime: WorkloadCertificateLifetime,
        metrics: CAMetrics
    ) {
        self.ca = ca
        self.authenticator = authenticator
        self.lifetime = lifetime
        self.metrics = metrics
    }

    /// The PEM chain (leaf, intermediates, root) for `csrPEM`, or the rejection.
    public func handle(
        csrPEM: String, requestedSeconds: Int64, credentials: CallerCredentials
    ) async throws(CARejection) -> [String] {
        metrics.requestReceived()
        do throws(CARejection) {
            let caller = try await authenticator.authenticate(credentials)
            let csr = try ValidatedCSR(pem: csrPEM)
            let identity = try csr.authorize(for: caller)
            let chain: [String]
            do {
                chain = try ca.sign(
                    publicKey: csr.request.publicKey,
                    names: [.uniformResourceIdentifier(identity.uri)],
                    lifetime: lifetime.granted(requestedSeconds: requestedSeconds)
                ).map { try $0.serializeAsPEM().pemString + "\n" }
            } catch {
                throw CARejection(.signingFailed, "signing failed: \(error)")
            }
            metrics.issued()
            return chain
        } catch {
            metrics.refused(error.reason)
            throw error
        }
    }
}
