import GRPCCore
import GRPCInProcessTransport
import Metrics
import MetricsTestKit
import Synchronization
import XDS

/// A provider of clusters by name, changeable by the test.
final class ClusterListProvider: ResourceProvider {
    let names: Mutex<[String]>
    init(_ names: [String]) { self.names = Mutex(names) }

    var typeURLs: Set<TypeURL> { [.cluster, .endpoint] }

    func resources(_ typeURL: TypeURL, for proxy: ProxyNode, names: Set<String>?) async throws -> [XDSResource] {
        guard typeURL == .cluster else { return [] }
        return try self.names.withLock { $0 }.filter { names?.contains($0) ?? true }.map { name in
            var cluster = Envoy_Config_Cluster_V3_Cluster()
            cluster.name = name
            cluster.type = .eds
            return try XDSResource(name: name, message: cluster)
        }
    }
}

typealias ADSClient = Envoy_Service_Discovery_V3_AggregatedDiscoveryService.Client<InProcessTransport.Client>
typealias DiscoveryRequest = Envoy_Service_Discovery_V3_DiscoveryRequest
typealias DiscoveryResponse = Envoy_Service_Discovery_V3_DiscoveryResponse

/// Runs an `XDSServer` over gRPC's in-process transport for the duration of `body`.
func withInProcessADS(
    provider: any ResourceProvider,
    metrics: TestMetrics = TestMetrics(),
    _ body: (XDSServer, ADSClient) async throws -> Void
) async throws {
    let transport = InProcessTransport()
    let xds = XDSServer(provider: provider, metricsFactory: metrics)
    let server = GRPCServer(transport: transport.server, services: [AggregatedDiscoveryService(server: xds)])
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await server.serve() }
        defer { group.cancelAll() }
        try await withGRPCClient(transport: transport.client) { client in
            try await body(xds, ADSClient(wrapping: client))
        }
    }
}

/// A state-of-the-world stream driven by a test: requests go out with `send`,
/// responses are read with `next(within:)`; how the stream ended is kept.
final class TestStream: Sendable {
    private let requests: AsyncStream<DiscoveryRequest>
    private let outbox: AsyncStream<DiscoveryRequest>.Continuation
    private let received = Mutex<[DiscoveryResponse]>([])
    let ended = Mutex<(done: Bool, error: RPCError?)>((false, nil))

    init() {
        (requests, outbox) = AsyncStream.makeStream()
    }

    /// Runs the RPC until the server ends it or the task is cancelled.
    func run(on client: ADSClient) async {
        do {
            try await client.streamAggregatedResources { writer in
                for await request in self.requests { try await writer.write(request) }
            } onResponse: { response in
                for try await message in response.messages {
                    self.received.withLock { $0.append(message) }
                }
            }
            ended.withLock { $0.done = true }
        } catch {
            ended.withLock { $0 = (true, error as? RPCError) }
        }
    }

    func send(_ request: DiscoveryRequest) { outbox.yield(request) }

    func close() { outbox.finish() }

    /// The next response, or nil if none arrives within `limit`.
    func next(within limit: Duration = .seconds(5)) async -> DiscoveryResponse? {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if let response = received.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) {
                return response
            }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return nil
    }

    /// Waits until the stream has ended, for at most `limit`.
    func waitForEnd(within limit: Duration = .seconds(5)) async -> (done: Bool, error: RPCError?) {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline, !ended.withLock({ $0.done }) {
            try? await Task.sleep(for: .milliseconds(5))
        }
        return ended.withLock { $0 }
    }
}

/// A first request from a well-formed sidecar.
func firstRequest(_ type: TypeURL, proxy: String = "sidecar~127.0.0.1~steady.default~default.svc.cluster.local") -> DiscoveryRequest {
    var request = DiscoveryRequest()
    request.node.id = proxy
    request.typeURL = type.rawValue
    return request
}

/// The ACK of `response`.
func ack(_ response: DiscoveryResponse) -> DiscoveryRequest {
    var request = DiscoveryRequest()
    request.typeURL = response.typeURL
    request.versionInfo = response.versionInfo
    request.responseNonce = response.nonce
    return request
}

func clusterNames(_ response: DiscoveryResponse) throws -> [String] {
    try response.resources.map { try Envoy_Config_Cluster_V3_Cluster(unpackingAny: $0).name }
}
