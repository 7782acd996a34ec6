import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2Posix
import Logging
import ServiceLifecycle
import XDS

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// SDS for the local Envoy on a Unix domain socket (`--sds-socket`), the way Istio's
/// agent serves it: Envoy's bootstrap cluster `sds-grpc` points at the socket, and its
/// TLS contexts fetch `default` and `ROOTCA` through the SDS service (or ADS).
///
/// The socket is made readable and writable by its owner only: it hands out the
/// workload's private key.
struct SDSSocketServer: Sendable {
    static let flag = "--sds-socket"

    let path: String
    let xds: XDSServer
    let logger: Logger

    func run() async throws {
        try prepare()
        let transport = HTTP2ServerTransport.Posix(
            address: .unixDomainSocket(path: path),
            transportSecurity: .plaintext
        )
        let grpc = GRPCServer(
            transport: transport,
            services: [SecretDiscoveryService(server: xds), AggregatedDiscoveryService(server: xds)]
        )
        let xds = self.xds
        defer { unlink(path) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await withGracefulShutdownHandler {
                    try await grpc.serve()
                } onGracefulShutdown: {
                    // SDS streams never end on their own: end them so the drain completes.
                    grpc.beginGracefulShutdown()
                    xds.closeAllStreams()
                }
            }
            do {
                _ = try await transport.listeningAddress
            } catch {
                var reason: any Error = error
                do { try await group.next() } catch { reason = error }
                throw AgentError(flag: Self.flag, value: path, problem: "cannot listen (\(reason))", kind: .runtime)
            }
            chmod(path, 0o600)
            logger.info("SDS server listening", metadata: ["socket": "\(path)"])
            try await group.waitForAll()
        }
    }

    /// Makes the socket's directory and removes a socket left by an earlier run; a
    /// regular file in the way is an error, not something to delete.
    private func prepare() throws {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw AgentError(flag: Self.flag, value: path, problem: "cannot create its directory", kind: .runtime)
            }
        }
        var status = stat()
        guard lstat(path, &status) == 0 else { return }
        guard status.st_mode & S_IFMT == S_IFSOCK else {
            throw AgentError(flag: Self.flag, value: path, problem: "exists and is not a socket", kind: .runtime)
        }
        unlink(path)
    }
}
