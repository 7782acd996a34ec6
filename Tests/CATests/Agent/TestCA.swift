import CA
import Crypto
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2Posix
import Synchronization
import X509

/// A small CA for the agent's tests: a P-256 root, a serving certificate for
/// `istiod.istio-system.svc`, and an `IstioCertificateService` that signs any CSR
/// whose signature verifies, for at most `maxTTL`. It records what callers sent.
final class TestCA: Sendable {
    let rootKey: Certificate.PrivateKey
    let root: Certificate
    let servingKey: Certificate.PrivateKey
    let serving: Certificate
    let maxTTL: Duration
    /// Every `authorization` header received, in order.
    let tokens = Mutex<[String]>([])
    /// Every CSR received, as PEM.
    let csrs = Mutex<[String]>([])
    /// Every requested validity, in seconds.
    let validities = Mutex<[Int64]>([])
    /// When set, calls fail with this code: a CA refusing.
    let refusal = Mutex<RPCError.Code?>(nil)

    init(maxTTL: Duration = .seconds(3600), servingName: String = "istiod.istio-system.svc") throws {
        self.maxTTL = maxTTL
        let rootKey = Certificate.PrivateKey(P256.Signing.PrivateKey())
        let rootName = try DistinguishedName { OrganizationName("cluster.local"); CommonName("agent test root") }
        let now = Date()
        self.rootKey = rootKey
        self.root = try Certificate(
            version: .v3,
            serialNumber: .init(),
            publicKey: rootKey.publicKey,
            notValidBefore: now.addingTimeInterval(-60),
            notValidAfter: now.addingTimeInterval(86400),
            issuer: rootName,
            subject: rootName,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: rootKey.publicKey)
            },
            issuerPrivateKey: rootKey
        )
        let servingKey = Certificate.PrivateKey(P256.Signing.PrivateKey())
        self.servingKey = servingKey
        self.serving = try Certificate(
            version: .v3,
            serialNumber: .init(),
            publicKey: servingKey.publicKey,
            notValidBefore: now.addingTimeInterval(-60),
            notValidAfter: now.addingTimeInterval(86400),
            issuer: rootName,
            subject: try DistinguishedName { CommonName("istiod") },
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true, keyEncipherment: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames([.dnsName(servingName)])
            },
            issuerPrivateKey: rootKey
        )
    }

    /// The root as PEM, the content of the CA's `root-cert.pem`.
    var rootPEM: String { (try? root.serializeAsPEM().pemString) ?? "" }

    /// Signs `csrPEM` the way a CA would: verified signature, the CSR's URI SAN, at
    /// most `maxTTL`. Returns leaf and root as PEM.
    func issue(csrPEM: String, validity: Int64) throws -> [String] {
        let csr = try CertificateSigningRequest(pemEncoded: csrPEM)
        guard csr.publicKey.isValidSignature(csr.signature, for: csr) else {
            throw RPCError(code: .invalidArgument, message: "bad CSR signature")
        }
        let sans = try csr.attributes.extensionRequest?.extensions.subjectAlternativeNames ?? SubjectAlternativeNames([])
        let ttl = validity > 0 ? min(Double(validity), maxTTL.seconds) : maxTTL.seconds
        let now = Date()
        let leaf = try Certificate(
            version: .v3,
            serialNumber: .init(),
            publicKey: csr.publicKey,
            notValidBefore: now.addingTimeInterval(-1),
            notValidAfter: now.addingTimeInterval(ttl),
            issuer: root.subject,
            subject: DistinguishedName(),
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true, keyEncipherment: true))
                try ExtendedKeyUsage([.serverAuth, .clientAuth])
                Critical(sans)
            },
            issuerPrivateKey: rootKey
        )
        return [try leaf.serializeAsPEM().pemString, rootPEM]
    }

    /// Serves the CA over TLS on a free loopback port for the duration of `body`.
    func serve<T: Sendable>(_ body: (Int) async throws -> T) async throws -> T {
        let transport = HTTP2ServerTransport.Posix(
            address: .ipv4(host: "127.0.0.1", port: 0),
            transportSecurity: .tls(
                certificateChain: [.bytes(Array(try serving.serializeAsPEM().pemString.utf8), format: .pem)],
                privateKey: .bytes(Array(try servingKey.serializeAsPEM().pemString.utf8), format: .pem)
            )
        )
        let server = GRPCServer(transport: transport, services: [Service(ca: self)])
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.serve() }
            defer { server.beginGracefulShutdown() }
            guard let port = try await transport.listeningAddress.ipv4?.port else {
                throw RPCError(code: .internalError, message: "no port")
            }
            return try await body(port)
        }
    }

    /// The service; `ServiceProtocol` rather than the simple one, for the headers.
    struct Service: Istio_V1_Auth_IstioCertificateService.ServiceProtocol {
        let ca: TestCA

        func createCertificate(
            request: ServerRequest<Istio_V1_Auth_IstioCertificateRequest>,
            context: ServerContext
        ) async throws -> ServerResponse<Istio_V1_Auth_IstioCertificateResponse> {
            let token = request.metadata[stringValues: "authorization"].first(where: { _ in true }) ?? ""
            ca.tokens.withLock { $0.append(token) }
            ca.csrs.withLock { $0.append(request.message.csr) }
            ca.validities.withLock { $0.append(request.message.validityDuration) }
            if let code = ca.refusal.withLock({ $0 }) {
                throw RPCError(code: code, message: "refused by the test")
            }
            var response = Istio_V1_Auth_IstioCertificateResponse()
            response.certChain = try ca.issue(csrPEM: request.message.csr, validity: request.message.validityDuration)
            return ServerResponse(message: response)
        }
    }
}

extension Duration {
    /// The duration in seconds, for arithmetic with dates.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
