public import Hummingbird
public import Logging
import NIOCore
public import ServiceLifecycle

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The HTTP server on `--monitoring-addr`, run as a service of the serve group.
///
/// A failure to bind (port busy, address not local, name not resolvable) becomes a
/// ``StartupError`` naming the flag, so the user reads one clear line.
public struct MonitoringServer: Service {
    /// The flag the address came from, for error messages.
    public static let flag = "--monitoring-addr"

    private let address: HostPort
    private let responder: RouterResponder<BasicRequestContext>
    private let logger: Logger

    /// A server for `router` on `address`, logging to `logger`.
    public init(address: HostPort, router: Router<BasicRequestContext>, logger: Logger) {
        self.address = address
        self.responder = router.buildResponder()
        self.logger = logger
    }

    public func run() async throws {
        var serverLogger = logger
        // Hummingbird's own start/stop lines duplicate ours; keep only its warnings.
        serverLogger.logLevel = max(serverLogger.logLevel, .warning)
        let logger = self.logger
        let application = Application(
            responder: responder,
            configuration: .init(address: .hostname(address.host, port: address.port), serverName: nil),
            onServerRunning: { channel in
                let bound = channel.localAddress.map(Self.describe) ?? "unknown"
                logger.info("monitoring server listening", metadata: ["address": .string(bound)])
            },
            logger: serverLogger
        )
        do {
            try await application.run()
        } catch let error as IOError {
            throw StartupError(
                flag: Self.flag, value: address.description, problem: Self.describe(errno: error.errnoCode),
                kind: .runtime)
        } catch is SocketAddressError {
            throw StartupError(
                flag: Self.flag, value: address.description, problem: "cannot resolve host \(address.host)",
                kind: .runtime)
        }
    }

    /// `host:port` of a bound socket, with brackets for IPv6.
    static func describe(_ address: SocketAddress) -> String {
        let host = address.ipAddress ?? "?"
        let port = address.port ?? 0
        return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// The C library's message for `code`, lowercased to read as part of a sentence.
    static func describe(errno code: Int32) -> String {
        guard let message = strerror(code) else { return "error \(code)" }
        return String(cString: message).lowercased()
    }
}
