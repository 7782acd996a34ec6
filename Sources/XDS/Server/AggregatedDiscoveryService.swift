import GRPCCore

/// `envoy.service.discovery.v3.AggregatedDiscoveryService`: both protocol variants on
/// one gRPC service, as Envoy's ADS and gRPC's xDS client expect.
public struct AggregatedDiscoveryService: Envoy_Service_Discovery_V3_AggregatedDiscoveryService.SimpleServiceProtocol {
    let server: XDSServer

    public init(server: XDSServer) {
        self.server = server
    }

    public func streamAggregatedResources(
        request: RPCAsyncSequence<Envoy_Service_Discovery_V3_DiscoveryRequest, any Error>,
        response: RPCWriter<Envoy_Service_Discovery_V3_DiscoveryResponse>,
        context: ServerContext
    ) async throws {
        try await server.serve(
            requests: request,
            variant: .stateOfTheWorld,
            node: { $0.hasNode ? $0.node : nil },
            makeHandler: { StateOfTheWorldStream(server: server, connection: $0, writer: response) }
        )
    }

    public func deltaAggregatedResources(
        request: RPCAsyncSequence<Envoy_Service_Discovery_V3_DeltaDiscoveryRequest, any Error>,
        response: RPCWriter<Envoy_Service_Discovery_V3_DeltaDiscoveryResponse>,
        context: ServerContext
    ) async throws {
        try await server.serve(
            requests: request,
            variant: .delta,
            node: { $0.hasNode ? $0.node : nil },
            makeHandler: { DeltaStream(server: server, connection: $0, writer: response) }
        )
    }
}
