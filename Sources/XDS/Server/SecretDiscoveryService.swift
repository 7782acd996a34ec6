import GRPCCore

/// `envoy.service.secret.v3.SecretDiscoveryService`: the standalone SDS service the
/// node agent serves to its Envoy. Streams run through the same machinery as ADS,
/// limited to the secret type.
public struct SecretDiscoveryService: Envoy_Service_Secret_V3_SecretDiscoveryService.SimpleServiceProtocol {
    let server: XDSServer

    public init(server: XDSServer) {
        self.server = server
    }

    public func streamSecrets(
        request: RPCAsyncSequence<Envoy_Service_Discovery_V3_DiscoveryRequest, any Error>,
        response: RPCWriter<Envoy_Service_Discovery_V3_DiscoveryResponse>,
        context: ServerContext
    ) async throws {
        try await server.serve(
            requests: request,
            variant: .stateOfTheWorld,
            node: { $0.hasNode ? $0.node : nil },
            makeHandler: { StateOfTheWorldStream(server: server, connection: $0, writer: response, only: .secret) }
        )
    }

    public func deltaSecrets(
        request: RPCAsyncSequence<Envoy_Service_Discovery_V3_DeltaDiscoveryRequest, any Error>,
        response: RPCWriter<Envoy_Service_Discovery_V3_DeltaDiscoveryResponse>,
        context: ServerContext
    ) async throws {
        try await server.serve(
            requests: request,
            variant: .delta,
            node: { $0.hasNode ? $0.node : nil },
            makeHandler: { DeltaStream(server: server, connection: $0, writer: response, only: .secret) }
        )
    }

    /// One-shot fetch: the named secrets now, no subscription.
    public func fetchSecrets(
        request: Envoy_Service_Discovery_V3_DiscoveryRequest,
        context: ServerContext
    ) async throws -> Envoy_Service_Discovery_V3_DiscoveryResponse {
        let proxy: ProxyNode
        do {
            proxy = try ProxyNode(request.node)
        } catch {
            throw RPCError(code: .invalidArgument, message: "invalid node: \(error)")
        }
        let names = request.resourceNames.isEmpty ? nil : Set(request.resourceNames)
        let resources = try await server.provider.resources(.secret, for: proxy, names: names)
            .sorted { $0.name < $1.name }
        var response = Envoy_Service_Discovery_V3_DiscoveryResponse()
        response.typeURL = TypeURL.secret.rawValue
        response.versionInfo = XDSResource.setVersion(
            Dictionary(uniqueKeysWithValues: resources.map { ($0.name, $0.version) })
        )
        response.resources = resources.map(\.any)
        response.nonce = server.nextNonce()
        return response
    }
}
