import GRPCCore
import GRPCNIOTransportCore
import GRPCNIOTransportHTTP2Posix
public import Logging
import NIOCore
public import ServiceLifecycle
public import XDS

/// The plaintext xDS port (`--grpc-addr`, istiod's 15010): ADS and SDS over gRPC.
///
/// On a signal, open streams are cut rather than drained: ADS streams never end on
/// their own, and proxies reconnect (to another replica, or to this one restarted)
/// keeping the configuration they have.
public struct XDSService: Service {
    public static let flag = "--grpc-addr"

    let address: HostPort
    let server: XDSServer
    let logger: Logger

    public init(address: HostPort, server: XDSServer, logger: Logger) {
        self.address = address
        self.server = server
        self.logger = logger
    }

    public func run() async throws {
        let transport = HTTP2ServerTransport.Posix(
            address: try Self.socketAddress(address),
            transportSecurity: .plaintext,
            config: .defaults { config in
                // istiod's limits: 4 MiB messages, plenty of streams per connection.
                config.rpc.maxRequestPayloadSize = 4 << 20
                config.http2.maxConcurrentStreams = 100_000
            }
        )
        let grpc = GRPCServer(
            transport: transport,
            services: [AggregatedDiscoveryService(server: server), SecretDiscoveryService(server: server)]
        )
        let server = self.server
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await withGracefulShutdownHandler {
                    try await grpc.serve()
                } onGracefulShutdown: {
                    // Stop accepting streams, then end the open ones so the drain completes.
                    grpc.beginGracefulShutdown()
                    server.closeAllStreams()
                }
            }
            do {
                let bound = try await transport.listeningAddress
                logger.info("xDS server listening", metadata: ["address": "\(Self.describe(bound))"])
            } catch {
                // The serving task holds the reason (a busy port, say): report it the
                // way every flag error is reported.
                var reason: any Error = error
                do { try await group.next() } catch { reason = error }
                throw StartupError(
                    flag: Self.flag, value: address.description, problem: Self.problem(reason), kind: .runtime)
            }
            try await group.waitForAll()
        }
    }

    static func socketAddress(_ address: HostPort) throws(StartupError) -> GRPCNIOTransportCore.SocketAddress {
        if address.host == "localhost" {
            return .ipv4(host: "127.0.0.1", port: address.port)
        }
        if address.host.contains(":") {
            return .ipv6(host: address.host, port: address.port)
        }
        guard address.host.split(separator: ".").count == 4 else {
            throw StartupError(
                flag: flag, value: address.description, problem: "the host must be an IP address", kind: .usage)
        }
        return .ipv4(host: address.host, port: address.port)
    }

    static func describe(_ address: GRPCNIOTransportCore.SocketAddress) -> String {
        if let ipv4 = address.ipv4 { return "\(ipv4.host):\(ipv4.port)" }
        if let ipv6 = address.ipv6 { return "[\(ipv6.host)]:\(ipv6.port)" }
        return "unknown"
    }

    /// The operating system's words for a failed bind, when the error carries them.
    static func problem(_ error: any Error) -> String {
        var current: (any Error)? = error
        while let error = current {
            if let io = error as? IOError {
                return MonitoringServer.describe(errno: io.errnoCode)
            }
            current = (error as? RPCError)?.cause ?? (error as? RuntimeError)?.cause
        }
        return "cannot listen (\(error))"
    }
}
