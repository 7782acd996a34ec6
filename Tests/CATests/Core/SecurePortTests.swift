import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2Posix
import Logging
import Synchronization
import Testing
import X509
import Crypto
@testable import CA

@Suite("The secure port: CreateCertificate over TLS with a grpc-swift client")
struct SecurePortTests {
    @Test("a token call, then a renewal authenticated only by the issued client certificate")
    func tokenThenRenewal() async throws {
        let fixture = try await CAFixture()
        defer { fixture.directory.remove() }
        let tls = try SecurePortTLS(ca: fixture.ca, extraDNSNames: ["localhost"])
        #expect(tls.dnsNames == ["istiod.istio-system.svc", "localhost"])
        let service = IstioCertificateService(handler: fixture.handler, peerCertificates: SecureGRPCServer.peerCertificates)
        let bound = Mutex<Int?>(nil)
        let server = SecureGRPCServer(
            address: .ipv4(host: "127.0.0.1", port: 0), services: [service], tls: tls,
            logger: Logger(label: "test"), onListening: { address in bound.withLock { $0 = address.ipv4?.port } })

        try await withThrowingDiscardingTaskGroup { group in
            // Cancelled at the end; the serve error that cancellation causes is expected.
            group.addTask { try? await server.run() }
            var port: Int?
            for _ in 0..<200 where port == nil {
                try await Task.sleep(for: .milliseconds(20))
                port = bound.withLock { $0 }
            }
            let serverPort = try #require(port)
            let uri = CAFixture.uri("default", "sleep")
            let roots: [TLSConfig.CertificateSource] = [.bytes(Array(fixture.ca.trustBundlePEM.utf8), format: .pem)]

            // 1. First certificate: token only, the client verifying the server with the root.
            let key = P256.Signing.PrivateKey()
            let csrPEM = try Self.csr(key: key, uri: uri)
            let token = try fixture.tokens.token(namespace: "default", serviceAccount: "sleep")
            let first = try await Self.call(port: serverPort, roots: roots, client: nil) { client in
                var request = Istio_V1_Auth_IstioCertificateRequest()
                request.csr = csrPEM
                return try await client.createCertificate(request, metadata: ["authorization": "Bearer \(token)"])
            }
            _ = try fixture.verifyWithOpenSSL(first.certChain)

            // 2. Renewal: no token, the certificate just issued as the client certificate.
            let renewed = try await Self.call(port: serverPort, roots: roots, client: (first.certChain, key)) { client in
                var request = Istio_V1_Auth_IstioCertificateRequest()
                request.csr = try Self.csr(key: P256.Signing.PrivateKey(), uri: uri)
                request.validityDuration = 600
                return try await client.createCertificate(request)
            }
            let text = try fixture.verifyWithOpenSSL(renewed.certChain, name: "renewed")
            #expect(text.contains("URI:\(uri)"))

            // 3. Neither: UNAUTHENTICATED, with the reason.
            await #expect {
                _ = try await Self.call(port: serverPort, roots: roots, client: nil) { client in
                    var request = Istio_V1_Auth_IstioCertificateRequest()
                    request.csr = csrPEM
                    return try await client.createCertificate(request)
                }
            } throws: { error in
                (error as? RPCError)?.code == .unauthenticated
            }

            // The serving certificate names istiod and chains to the CA's root.
            let serving = tls.servingChain
            #expect(SPIFFEID.only(in: serving[0]) == nil)
            #expect(serving.last == fixture.ca.current.root)
            group.cancelAll()
        }
        #expect(fixture.counter("citadel_server_success_cert_issuance_count") == 2)
        #expect(fixture.counter("citadel_server_authentication_failure_count") == 1)
    }

    static func csr(key: P256.Signing.PrivateKey, uri: String) throws -> String {
        let csr = try CertificateSigningRequest(
            version: .v1, subject: DistinguishedName(), privateKey: Certificate.PrivateKey(key),
            attributes: CertificateSigningRequest.Attributes([
                .init(ExtensionRequest(extensions: Certificate.Extensions([
                    try Certificate.Extension(SubjectAlternativeNames([.uniformResourceIdentifier(uri)]), critical: false)
                ])))
            ]),
            signatureAlgorithm: .ecdsaWithSHA256)
        return try csr.serializeAsPEM().pemString
    }

    /// Connects to the port as `istiod.istio-system.svc`, verifying it with `roots`,
    /// optionally presenting `client` (chain PEMs and key), and runs `body`.
    static func call<Result: Sendable>(
        port: Int, roots: [TLSConfig.CertificateSource], client: ([String], P256.Signing.PrivateKey)?,
        _ body: @Sendable (Istio_V1_Auth_IstioCertificateService.Client<HTTP2ClientTransport.Posix>) async throws -> Result
    ) async throws -> Result {
        let security: HTTP2ClientTransport.Posix.TransportSecurity
        if let (chain, key) = client {
            security = .mTLS(
                certificateChain: chain.dropLast().map { .bytes(Array($0.utf8), format: .pem) },
                privateKey: .bytes(Array(key.pemRepresentation.utf8), format: .pem)
            ) { $0.trustRoots = .certificates(roots) }
        } else {
            security = .tls { $0.trustRoots = .certificates(roots) }
        }
        let transport = try HTTP2ClientTransport.Posix(
            target: .ipv4(address: "127.0.0.1", port: port), transportSecurity: security,
            config: .defaults { $0.http2.authority = SecurePortTLS.istiodName })
        return try await withGRPCClient(transport: transport) { grpc in
            try await body(Istio_V1_Auth_IstioCertificateService.Client(wrapping: grpc))
        }
    }
}
