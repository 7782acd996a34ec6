public import GRPCCore
public import X509

/// `istio.v1.auth.IstioCertificateService` over gRPC: the thin layer that turns a
/// request's metadata and connection into ``CallerCredentials`` and a
/// ``CARejection`` into a status.
///
/// It implements the generated `ServiceProtocol` rather than the simple one
/// because authentication needs the request metadata (`authorization`).
public struct IstioCertificateService: Istio_V1_Auth_IstioCertificateService.ServiceProtocol {
    /// Reads the client certificate chain of the connection a request came on;
    /// the secure port supplies one that understands its transport.
    public typealias PeerCertificates = @Sendable (ServerContext) -> [Certificate]

    let handler: CertificateRequestHandler
    let peerCertificates: PeerCertificates

    public init(handler: CertificateRequestHandler, peerCertificates: @escaping PeerCertificates = { _ in [] }) {
        self.handler = handler
        self.peerCertificates = peerCertificates
    }

    public func createCertificate(
        request: ServerRequest<Istio_V1_Auth_IstioCertificateRequest>, context: ServerContext
    ) async throws -> ServerResponse<Istio_V1_Auth_IstioCertificateResponse> {
        let token = request.metadata[stringValues: "authorization"]
            .lazy.compactMap(CallerCredentials.bearerToken(fromAuthorization:)).first
        let credentials = CallerCredentials(bearerToken: token, peerCertificates: peerCertificates(context))
        let chain: [String]
        do throws(CARejection) {
            chain = try await handler.handle(
                csrPEM: request.message.csr, requestedSeconds: request.message.validityDuration,
                credentials: credentials)
        } catch {
            throw RPCError(code: error.reason.statusCode, message: error.message)
        }
        var response = Istio_V1_Auth_IstioCertificateResponse()
        response.certChain = chain
        return ServerResponse(message: response)
    }
}

extension CARejection.Reason {
    /// The gRPC status a refusal is reported with.
    var statusCode: RPCError.Code {
        switch self {
        case .invalidRequest: .invalidArgument
        case .unauthenticated: .unauthenticated
        case .identityNotAllowed: .permissionDenied
        case .signingFailed: .internalError
        }
    }
}
