public import GRPCCore
import GRPCNIOTransportCore
public import GRPCNIOTransportHTTP2Posix
import NIOCore
import NIOSSL
import X509
public import Logging
public import ServiceLifecycle

/// The secure gRPC port (`--secure-grpc-addr`, istiod's 15012): the CA service and
/// whatever else is given (the xDS services) behind ``SecurePortTLS``.
public struct SecureGRPCServer: Service {
    /// The address to bind (`0.0.0.0:15012` by default; port 0 for any).
    public var address: GRPCNIOTransportCore.SocketAddress
    /// The services served.
    public var services: [any RegistrableRPCService]
    /// Certificates and client verification.
    public var tls: SecurePortTLS
    /// Called with the bound address once listening (tests bind port 0).
    public var onListening: @Sendable (GRPCNIOTransportCore.SocketAddress) -> Void
    /// Called on graceful shutdown after the listener stops accepting, to end
    /// never-ending streams (ADS) so the drain completes.
    public var onShutdown: @Sendable () -> Void
    let logger: Logger

    public init(
        address: GRPCNIOTransportCore.SocketAddress,
        services: [any RegistrableRPCService],
        tls: SecurePortTLS,
        logger: Logger,
        onListening: @escaping @Sendable (GRPCNIOTransportCore.SocketAddress) -> Void = { _ in },
        onShutdown: @escaping @Sendable () -> Void = {}
    ) {
        self.address = address
        self.services = services
        self.tls = tls
        self.logger = logger
        self.onListening = onListening
        self.onShutdown = onShutdown
    }

    /// The client certificate chain of the connection a request arrived on, as the
    /// Posix transport records it.
    public static let peerCertificates: IstioCertificateService.PeerCertificates = { context in
        guard let posix = context.transportSpecific as? HTTP2ServerTransport.Posix.Context else { return [] }
        if let chain = posix.peerCertificateChain { return Array(chain) }
        return posix.peerCertificate.map { [$0] } ?? []
    }

    /// The transport, with TLS added in front of gRPC's HTTP/2 handlers on every
    /// accepted connection.
    public func makeTransport() -> HTTP2ServerTransport.Posix {
        let tls = self.tls
        return HTTP2ServerTransport.Posix(
            address: address,
            // Plaintext to the transport: TLS is ours, added as the first handler.
            transportSecurity: .plaintext,
            config: .defaults { config in
                config.rpc.maxRequestPayloadSize = 4 << 20
                config.http2.maxConcurrentStreams = 100_000
                config.channelDebuggingCallbacks.onAcceptTCPConnection = { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(tls.makeHandler(), position: .first)
                    }
                }
            }
        )
    }

    /// Serves until cancelled or gracefully shut down; throws when the address
    /// cannot be bound.
    public func run() async throws {
        let transport = makeTransport()
        let grpc = GRPCServer(transport: transport, services: services)
        let onShutdown = self.onShutdown
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await withGracefulShutdownHandler {
                    try await grpc.serve()
                } onGracefulShutdown: {
                    grpc.beginGracefulShutdown()
                    onShutdown()
                }
            }
            do {
                let bound = try await transport.listeningAddress
                logger.info("secure gRPC server listening", metadata: ["address": "\(bound)"])
                onListening(bound)
            } catch {
                var reason: any Error = error
                do { try await group.next() } catch { reason = error }
                throw SecurePortBindError(cause: reason)
            }
            try await group.waitForAll()
        }
    }
}

/// The secure port could not listen (the address is taken, say); `cause` holds the
/// transport's error, so the caller can report it against its flag.
public struct SecurePortBindError: Error {
    public let cause: any Error
}
