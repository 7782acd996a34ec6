import Discovery
import SwiftProtobuf
import XDS

/// Route tables for one proxy. A sidecar's are named by port (`"9080"`): a virtual
/// host per visible service on that port, routed by its VirtualService or straight
/// to its cluster. A gateway's are `http.PORT` and `https.PORT.NAME.GATEWAY.NS`: a
/// virtual host per VirtualService host bound to the server.
struct RouteGenerator {
    let context: PushContext
    let proxy: MeshProxy

    func generate(names: Set<String>?) throws -> [Envoy_Config_Route_V3_RouteConfiguration] {
        let wanted: Set<String>
        if let names { wanted = names } else { wanted = Set(try allNames()) }
        return try wanted.sorted().compactMap { try routeConfiguration(named: $0) }
    }

    /// Every route table this proxy's listeners refer to.
    func allNames() throws -> [String] {
        let listeners = proxy.isRouter
            ? try GatewayListenerGenerator(context: context, proxy: proxy).generate()
            : try SidecarListenerGenerator(context: context, proxy: proxy).generate()
        var names: Set<String> = []
        for listener in listeners {
            for chain in listener.filterChains {
                for filter in chain.filters where filter.name == EnvoyBlocks.httpConnectionManagerName {
                    let manager = try Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_HttpConnectionManager(
                        unpackingAny: filter.typedConfig)
                    if case .rds(let rds)? = manager.routeSpecifier { names.insert(rds.routeConfigName) }
                }
            }
        }
        return names.sorted()
    }

    func routeConfiguration(named name: String) throws -> Envoy_Config_Route_V3_RouteConfiguration? {
        var hosts: [Envoy_Config_Route_V3_VirtualHost]
        if proxy.isRouter {
            guard let gatewayHosts = try gatewayVirtualHosts(routeName: name) else { return nil }
            hosts = gatewayHosts
        } else {
            guard let port = Int(name) else { return nil }
            hosts = try sidecarVirtualHosts(port: port)
        }
        hosts.sort { $0.name < $1.name }
        var configuration = Envoy_Config_Route_V3_RouteConfiguration()
        configuration.name = name
        configuration.virtualHosts = hosts
        // A route to a cluster not yet known returns 503 rather than rejecting the table.
        configuration.validateClusters = Google_Protobuf_BoolValue(false)
        return configuration
    }

    // MARK: Sidecars

    func sidecarVirtualHosts(port: Int) throws -> [Envoy_Config_Route_V3_VirtualHost] {
        var hosts: [Envoy_Config_Route_V3_VirtualHost] = []
        for service in context.visibleServices(for: proxy) {
            guard let servicePort = service.port(port), servicePort.portProtocol.isHTTP || servicePort.portProtocol == .unsupported
            else { continue }
            var host = Envoy_Config_Route_V3_VirtualHost()
            host.name = "\(service.hostname):\(port)"
            host.domains = domains(for: service, port: port)
            if let routing = context.virtualService(for: service.hostname, gateway: "mesh", from: proxy.namespace) {
                host.routes = try routes(routing, listenerPort: port, gateways: ["mesh"])
            } else {
                host.routes = [HTTPRouteTranslator.defaultRoute(cluster: MeshNames.outboundCluster(host: service.hostname, port: port))]
            }
            hosts.append(host)
        }
        var fallback = Envoy_Config_Route_V3_VirtualHost()
        if context.allowsAnyOutbound(for: proxy) {
            fallback.name = "allow_any"
            fallback.routes = [HTTPRouteTranslator.defaultRoute(cluster: MeshNames.passthroughCluster)]
        } else {
            fallback.name = "block_all"
            var route = Envoy_Config_Route_V3_Route()
            route.name = "block_all"
            route.match.prefix = "/"
            route.directResponse.status = 502
            fallback.routes = [route]
        }
        fallback.domains = ["*"]
        hosts.append(fallback)
        return hosts
    }

    /// The names a caller may use for `service` on `port`, as Istio lists them: the
    /// FQDN, and for Kubernetes services in the caller's namespace the short forms,
    /// each with and without the port.
    func domains(for service: MeshService, port: Int) -> [String] {
        var names = [service.hostname]
        let suffix = ".svc.\(context.resolver.clusterDomain)"
        if service.hostname.hasSuffix(suffix) {
            let withoutDomain = String(service.hostname.dropLast(context.resolver.clusterDomain.count + 1))
            let withoutSvc = String(withoutDomain.dropLast(4))
            names.append(withoutDomain)
            names.append(withoutSvc)
            if service.namespace == proxy.namespace, let short = withoutSvc.split(separator: ".").first {
                names.append(String(short))
            }
        }
        return names.flatMap { [$0, "\($0):\(port)"] }
    }

    // MARK: Gateways

    func gatewayVirtualHosts(routeName: String) throws -> [Envoy_Config_Route_V3_VirtualHost]? {
        let generator = GatewayListenerGenerator(context: context, proxy: proxy)
        let servers = generator.servers.filter { server in
            if server.terminatesTLS { return server.httpsRouteName == routeName }
            return server.portProtocol.isHTTP && routeName == "http.\(server.port)"
        }
        guard !servers.isEmpty else { return nil }
        var byDomain: [String: Envoy_Config_Route_V3_VirtualHost] = [:]
        for server in servers {
            let redirect = server.server.tls?.httpsRedirect == true && !server.terminatesTLS
            for service in generator.virtualServices(for: server) where !(service.object.spec.http ?? []).isEmpty {
                let hosts = GatewayHosts.intersection(
                    server.server.hosts ?? [], hosts: service.hosts, namespace: service.namespace,
                    gatewayNamespace: server.gateway.metadata.namespace ?? "default")
                for vsHost in hosts {
                    let key = "\(vsHost):\(server.port)"
                    // The first VirtualService for a host wins, as in Istio.
                    guard byDomain[key] == nil else { continue }
                    var host = Envoy_Config_Route_V3_VirtualHost()
                    host.name = key
                    host.domains = vsHost == "*" ? ["*"] : [vsHost, "\(vsHost):*"]
                    host.routes = try routes(
                        service, listenerPort: server.port, gateways: [server.gatewayName], listenerIsTLS: server.terminatesTLS)
                    if redirect { host.requireTls = .all }
                    byDomain[key] = host
                }
            }
        }
        return Array(byDomain.values)
    }

    // MARK: Shared

    func routes(
        _ service: ScopedVirtualService, listenerPort: Int, gateways: Set<String>, listenerIsTLS: Bool = false
    ) throws -> [Envoy_Config_Route_V3_Route] {
        let destinations = RouteDestinations(context: context, namespace: service.namespace)
        let context = self.context
        let proxyNamespace = proxy.namespace
        let routeContext = HTTPRouteContext(
            namespace: service.namespace,
            hostResolver: context.resolver,
            listenerPort: listenerPort,
            gateways: gateways,
            proxyLabels: proxy.labels,
            proxyNamespace: proxy.namespace,
            listenerIsTLS: listenerIsTLS,
            // Proxyless gRPC clients (GENERATOR=grpc) read timeouts from max_stream_duration.
            proxylessGRPC: proxy.node.metadata.generator == "grpc",
            clusterName: { destination, port in destinations.clusterName(destination, defaultPort: port) },
            hashPolicy: { destination in
                let host = context.resolver.qualify(destination.host, namespace: service.namespace)
                let rule = context.destinationRule(
                    for: host, serviceNamespace: context.service(host, from: proxyNamespace)?.namespace ?? service.namespace,
                    from: proxyNamespace)
                let subsetPolicy = destination.subset.flatMap { rule?.subset($0)?.trafficPolicy }
                return ClusterPolicy.hashPolicy(subsetPolicy ?? rule?.spec.trafficPolicy)
            })
        return try HTTPRouteTranslator.routes(service.object.spec.http ?? [], name: service.name, context: routeContext)
    }
}
