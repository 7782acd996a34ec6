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

    private func filter<Message: SwiftProtobuf.Message>(
        _ messages: [Message], _ names: Set<String>?, name: (Message) -> String
    ) throws -> [XDSResource] {
        try messages.filter { names?.contains(name($0)) ?? true }.map { try XDSResource(name: name($0), message: $0) }
    }
}
