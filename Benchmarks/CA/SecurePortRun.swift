import CA
import GRPCCore
import GRPCNIOTransportHTTP2Posix
import Logging

/// The real secure port (15012) on a free loopback port, wired as
/// `controld serve` wires it: `SecureGRPCServer` terminating TLS with a serving
/// certificate from the CA, `IstioCertificateService` over the bench CA's handler.
enum SecurePortRun {
    typealias CAClient = Istio_V1_Auth_IstioCertificateService.Client<HTTP2ClientTransport.Posix>

    /// Serves for the duration of `body`, which gets the bound port.
    static func withServer<T: Sendable>(_ bench: BenchCA, _ body: (Int) async throws -> T) async throws -> T {
        var logger = Logger(label: "ca-bench")
        logger.logLevel = .warning
        let (ports, portContinuation) = AsyncStream<Int>.makeStream()
        let server = SecureGRPCServer(
            address: .ipv4(host: "127.0.0.1", port: 0),
            services: [IstioCertificateService(handler: bench.handler, peerCertificates: SecureGRPCServer.peerCertificates)],
            tls: try SecurePortTLS(ca: bench.ca),
            logger: logger,
            onListening: { address in
                portContinuation.yield(address.ipv4?.port ?? 0)
                portContinuation.finish()
            })
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            defer { group.cancelAll() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next(), port > 0 else {
                throw BenchError("the secure port did not start")
            }
            return try await body(port)
        }
    }

    /// `count` client connections to the port, each a separate TLS connection
    /// verifying the server as the agent does (the CA's root, istiod's name), each
    /// already connected by one call before `body` runs.
    static func withConnections<T: Sendable>(
        count: Int, port: Int, bench: BenchCA, warmUp: Istio_V1_Auth_IstioCertificateRequest,
        _ body: ([CAClient]) async throws -> T
    ) async throws -> T {
        let roots: [TLSConfig.CertificateSource] = [.bytes(Array(bench.ca.trustBundlePEM.utf8), format: .pem)]
        let clients = try (0..<count).map { _ in
            GRPCClient(transport: try HTTP2ClientTransport.Posix(
                target: .ipv4(address: "127.0.0.1", port: port),
                transportSecurity: .tls { $0.trustRoots = .certificates(roots) },
                config: .defaults { $0.http2.authority = SecurePortTLS.istiodName }))
        }
        return try await withThrowingTaskGroup(of: Void.self) { group in
            for client in clients {
                group.addTask { try await client.runConnections() }
            }
            defer {
                for client in clients { client.beginGracefulShutdown() }
            }
            let callers = clients.map { CAClient(wrapping: $0) }
            // Connect (TCP, TLS handshake, HTTP/2 settings) outside the timed part.
            let metadata = authorization(bench)
            try await withThrowingTaskGroup(of: Void.self) { warm in
                for caller in callers {
                    warm.addTask { _ = try await caller.createCertificate(warmUp, metadata: metadata) }
                }
                try await warm.waitForAll()
            }
            return try await body(callers)
        }
    }

    static func authorization(_ bench: BenchCA) -> Metadata {
        ["authorization": "Bearer \(bench.token)"]
    }

    static func request(csr: String) -> Istio_V1_Auth_IstioCertificateRequest {
        var request = Istio_V1_Auth_IstioCertificateRequest()
        request.csr = csr
        return request
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
