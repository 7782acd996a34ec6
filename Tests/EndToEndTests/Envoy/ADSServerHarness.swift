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
    let transport = HTTP2ServerTransport.Posix(
        address: .ipv4(host: "127.0.0.1", port: port),
        transportSecurity: .plaintext
    )
    let grpc = GRPCServer(transport: transport, services: [AggregatedDiscoveryService(server: xds)])
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await grpc.serve() }
        // Clients started by `body` must find the port open: gRPC's own client backs
        // off for a long time after a refused first connection.
        _ = try await transport.listeningAddress
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
