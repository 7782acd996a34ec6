import Discovery
import SwiftProtobuf
import XDS

/// One entry point per type URL: (PushContext, proxy, names) → resources. Pure, so
/// equal input gives byte-identical output.
public struct MeshGenerator: Sendable {
    public let context: PushContext

    public init(context: PushContext) {
        self.context = context
    }

    public static let typeURLs: Set<TypeURL> = [.cluster, .endpoint, .listener, .route, .secret]

    public func resources(_ typeURL: TypeURL, for node: ProxyNode, names: Set<String>?) throws -> [XDSResource] {
        let proxy = MeshProxy(node)
        if ProxylessGRPCGenerator.serves(node) {
            return try proxyless(typeURL, proxy: proxy, names: names)
        }
        switch typeURL {
        case .cluster:
            return try filter(ClusterGenerator(context: context, proxy: proxy).generate(), names) { $0.name }
        case .endpoint:
            let generator = EndpointGenerator(context: context)
            let wanted: Set<String>
            if let names {
                wanted = names
            } else {
                wanted = Set(try ClusterGenerator(context: context, proxy: proxy).generate().filter { $0.type == .eds }.map(\.name))
            }
            return try wanted.sorted().compactMap { name in
                try generator.assignment(clusterName: name, proxy: proxy).map { try XDSResource(name: name, message: $0) }
            }
        case .listener:
            let listeners = proxy.isRouter
                ? try GatewayListenerGenerator(context: context, proxy: proxy).generate()
                : try SidecarListenerGenerator(context: context, proxy: proxy).generate()
            return try filter(listeners, names) { $0.name }
        case .route:
            return try RouteGenerator(context: context, proxy: proxy).generate(names: names)
                .map { try XDSResource(name: $0.name, message: $0) }
        case .secret:
            return try SecretGenerator(context: context, proxy: proxy).generate(names: names)
                .map { try XDSResource(name: $0.name, message: $0) }
        default:
            return []
        }
    }

    private func proxyless(_ typeURL: TypeURL, proxy: MeshProxy, names: Set<String>?) throws -> [XDSResource] {
        let generator = ProxylessGRPCGenerator(context: context, proxy: proxy)
        switch typeURL {
        case .listener:
            return try generator.listeners(names: names).map { try XDSResource(name: $0.name, message: $0) }
        case .route:
            return try generator.routes(names: names).map { try XDSResource(name: $0.name, message: $0) }
        case .cluster:
            return try filter(generator.clusters(), names) { $0.name }
        case .endpoint:
            let endpoints = EndpointGenerator(context: context)
            return try (names ?? []).sorted().compactMap { name in
                try endpoints.assignment(clusterName: name, proxy: proxy).map { try XDSResource(name: name, message: $0) }
            }
        default:
            return []
        }
    }

    private func filter<Message: SwiftProtobuf.Message>(
        _ messages: [Message], _ names: Set<String>?, name: (Message) -> String
    ) throws -> [XDSResource] {
        try messages.filter { names?.contains(name($0)) ?? true }.map { try XDSResource(name: name($0), message: $0) }
    }
}
