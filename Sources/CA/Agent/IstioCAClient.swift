import Foundation
public import GRPCCore
import GRPCNIOTransportHTTP2Posix
import SwiftProtobuf

/// Calls `istio.v1.auth.IstioCertificateService/CreateCertificate` over TLS, the way
/// Istio's agent calls istiod on 15012.
///
/// Every call opens its own connection: calls are rare (twice a certificate
/// lifetime), and each picks up the current token, trust bundle and client
/// certificate from scratch.
public struct IstioCAClient: CertificateSigner {
    /// Where and how to reach the CA.
    public struct Configuration: Sendable {
        public var address: CAAddress
        /// The name the CA's certificate must carry (`istiod.istio-system.svc`); sent
        /// as SNI and `:authority` too.
        public var serverName: String
        /// PEM roots that the CA's serving certificate must chain to, re-read per call.
        public var rootCertPath: String
        /// The service-account token, or nil to rely on a client certificate alone.
        public var token: TokenFile?
        /// Whether to present the certificate held as a client certificate.
        public var presentClientCertificate: Bool
        /// The longest a call may take, connection included.
        public var timeout: Duration

        public init(
            address: CAAddress,
            serverName: String = "istiod.istio-system.svc",
            rootCertPath: String,
            token: TokenFile?,
            presentClientCertificate: Bool = true,
            timeout: Duration = .seconds(10)
        ) {
            self.address = address
            self.serverName = serverName
            self.rootCertPath = rootCertPath
            self.token = token
            self.presentClientCertificate = presentClientCertificate
            self.timeout = timeout
        }
    }

    public let configuration: Configuration

    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    public func sign(csrPEM: String, validity: Duration, current: WorkloadCredentials?) async throws -> [String] {
        var request = Istio_V1_Auth_IstioCertificateRequest()
        request.csr = csrPEM
        request.validityDuration = validity.components.seconds
        var metadata: Metadata = [:]
        if let token = configuration.token {
            metadata.addString("Bearer \(try token.read())", forKey: "authorization")
        }
        let roots: [UInt8]
        do {
            roots = Array(try Data(contentsOf: URL(fileURLWithPath: configuration.rootCertPath)))
        } catch {
            throw AgentError(
                flag: "--root-cert", value: configuration.rootCertPath, problem: "cannot read the root certificate",
                kind: .runtime)
        }
        if configuration.presentClientCertificate, let current {
            do {
                return try await call(request, metadata: metadata, roots: roots, clientCertificate: current)
            } catch {
                // A CA that does not take our certificate (a new root, say) may still
                // take the token: try once more without it.
                guard configuration.token != nil else { throw error }
            }
        }
        return try await call(request, metadata: metadata, roots: roots, clientCertificate: nil)
    }

    private func call(
        _ request: Istio_V1_Auth_IstioCertificateRequest,
        metadata: Metadata,
        roots: [UInt8],
        clientCertificate: WorkloadCredentials?
    ) async throws -> [String] {
        let serverName = configuration.serverName
        let security = HTTP2ClientTransport.Posix.TransportSecurity.tls { tls in
            tls.trustRoots = .certificates([.bytes(roots, format: .pem)])
            tls.serverCertificateVerification = .fullVerification
            if let clientCertificate {
                tls.certificateChain = [.bytes(Array(clientCertificate.chainPEM.utf8), format: .pem)]
                tls.privateKey = .bytes(Array(clientCertificate.keyPEM.utf8), format: .pem)
            }
        }
        let transport = try HTTP2ClientTransport.Posix(
            target: target,
            transportSecurity: security,
            config: .defaults { config in
                // The name checked against the CA's certificate, whatever address we dial.
                config.http2.authority = serverName
                config.connection.maxIdleTime = nil
            }
        )
        var options = CallOptions.defaults
        options.timeout = configuration.timeout
        // Fail fast when the CA is down: the schedule's backoff decides when to retry.
        options.waitForReady = false
        return try await withGRPCClient(transport: transport) { client in
            let ca = Istio_V1_Auth_IstioCertificateService.Client(wrapping: client)
            let response = try await ca.createCertificate(request, metadata: metadata, options: options)
            return response.certChain
        }
    }

    private var target: any ResolvableTarget {
        let address = configuration.address
        if address.isIPv4 { return .ipv4(address: address.host, port: address.port) }
        if address.isIPv6 { return .ipv6(address: address.host, port: address.port) }
        return .dns(host: address.host, port: address.port)
    }
}
