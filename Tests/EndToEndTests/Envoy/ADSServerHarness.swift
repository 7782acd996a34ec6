import GRPCCore
import GRPCNIOTransportHTTP2Posix
import XDS

/// Runs an `XDSServer` on a loopback port for the duration of `body`, over the same
/// gRPC transport `controld serve` uses; the server is torn down (streams cut, as in
/// a crash or restart) when `body` returns.
func withADSServer<Result>(
    provider: any ResourceProvider,
    port: Int,
    _ body: (XDSServer) async throws -> Result
) async throws -> Result {
    let xds = XDSServer(provider: provider)
    let grpc = GRPCServer(
        transport: .http2NIOPosix(
            address: .ipv4(host: "127.0.0.1", port: port),
            transportSecurity: .plaintext
        ),
        services: [AggregatedDiscoveryService(server: xds)]
    )
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await grpc.serve() }
        // Open ADS streams never end by themselves: cancelling cuts them.
        defer { group.cancelAll() }
        return try await body(xds)
    }
}

/// Polls `condition` until it holds, for at most `limit`.
func eventually(
    _ what: String,
    within limit: Duration = .seconds(30),
    _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + limit
    while ContinuousClock.now < deadline {
        if (try? await condition()) == true { return }
        try await Task.sleep(for: .milliseconds(100))
    }
    throw WaitTimeout(what: what, stderr: "")
}
