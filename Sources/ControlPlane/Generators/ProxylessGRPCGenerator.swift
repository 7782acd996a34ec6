import Discovery
import SwiftProtobuf
import XDS

/// What a proxyless gRPC client (node metadata `GENERATOR: grpc`) gets, as istiod's
/// gRPC generator builds it: it asks for listeners by the name it dials
/// (`xds:///HOST:PORT` → `HOST:PORT`), each an api_listener whose routes have the same
/// name; clusters and endpoints are the sidecar's, without the Envoy-only TLS
/// transport sockets gRPC does not take.
struct ProxylessGRPCGenerator {
    let context: PushContext
    let proxy: MeshProxy

    static func serves(_ node: ProxyNode) -> Bool {
        node.metadata.generator == "grpc"
    }

    /// The service and port a dialled `HOST:PORT` names; short hosts resolve against
    /// the client's namespace.
    func target(_ name: String) -> (service: MeshService, port: MeshPort)? {
        guard let colon = name.lastIndex(of: ":"), let number = Int(name[name.index(after: colon)...]) else { return nil }
        let host = context.resolver.qualify(String(name[..<colon]), namespace: proxy.namespace)
        guard let service = context.service(host, from: proxy.namespace), let port = service.port(number) else { return nil }
        return (service, port)
    }

    func listeners(names: Set<String>?) throws -> [Envoy_Config_Listener_V3_Listener] {
        let wanted = names ?? []
        return try wanted.sorted().compactMap { name in
            guard target(name) != nil else { return nil }
            var rds = Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_Rds()
            rds.routeConfigName = name
            rds.configSource = EnvoyBlocks.ads
            var manager = Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_HttpConnectionManager()
            manager.rds = rds
            // gRPC accepts only the filters it implements: the router is enough.
            manager.httpFilters = [
                try EnvoyBlocks.httpFilter("envoy.filters.http.router", Envoy_Extensions_Filters_Http_Router_V3_Router())
            ]
            var listener = Envoy_Config_Listener_V3_Listener()
            listener.name = name
            listener.apiListener.apiListener = try XDSResource.pack(manager)
            return listener
        }
    }

    func routes(names: Set<String>?) throws -> [Envoy_Config_Route_V3_RouteConfiguration] {
        let generator = RouteGenerator(context: context, proxy: proxy)
        return try (names ?? []).sorted().compactMap { name in
            guard let (service, port) = target(name) else { return nil }
            var host = Envoy_Config_Route_V3_VirtualHost()
            host.name = "\(service.hostname):\(port.number)"
            host.domains = [name]
            if let virtualService = context.virtualService(for: service.hostname, gateway: "mesh", from: proxy.namespace) {
                host.routes = try generator.routes(virtualService, listenerPort: port.number, gateways: ["mesh"])
            } else {
                host.routes = [
                    HTTPRouteTranslator.defaultRoute(cluster: MeshNames.outboundCluster(host: service.hostname, port: port.number))
                ]
            }
            var configuration = Envoy_Config_Route_V3_RouteConfiguration()
            configuration.name = name
            configuration.virtualHosts = [host]
            return configuration
        }
    }

    func clusters() throws -> [Envoy_Config_Cluster_V3_Cluster] {
        try ClusterGenerator(context: context, proxy: proxy).generate()
            .filter { $0.name.hasPrefix("outbound|") && $0.type == .eds }
            .map { cluster in
                var plain = cluster
                plain.clearTransportSocket()
                // gRPC balances round robin or by ring hash only.
                if plain.lbPolicy != .ringHash {
                    plain.lbPolicy = .roundRobin
                    plain.lbConfig = nil
                }
                plain.transportSocketMatches = []
                return plain
            }
    }
}
