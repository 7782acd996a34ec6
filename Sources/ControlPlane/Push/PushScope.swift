import Discovery
import XDS

/// What a batch of configuration changes requires: an endpoint-only change pushes
/// EDS for the clusters of the services it touched; VirtualService, DestinationRule,
/// Gateway and Secret changes regenerate only the types they feed; a Sidecar-only
/// change goes to the proxies of its namespace; anything else is a full push (the
/// XDS server still sends only the resources whose content changed).
public struct PushScope: Sendable, Equatable {
    /// Types to push and, per type, the names concerned (nil: all).
    public var types: [TypeURL: Set<String>?]
    /// istiod's trigger reason: `endpoint` or `config`.
    public var reason: String
    /// Namespaces whose proxies are concerned; nil: every proxy.
    public var namespaces: Set<String>?

    static let endpointKinds: Set<String> = ["EndpointSlice", "WorkloadEntry"]

    /// The types each routing or policy kind can change (gateway listeners carry
    /// VirtualServices' TCP and TLS routes; routes carry DestinationRules' hash policy).
    static let narrowKinds: [String: Set<TypeURL>] = [
        "VirtualService": [.route, .listener],
        "DestinationRule": [.cluster, .endpoint, .route],
        "Gateway": [.listener, .route, .secret],
        "Secret": [.secret],
        // Inbound chains, and callers' auto mTLS (clusters, endpoint markers).
        "PeerAuthentication": [.listener, .cluster, .endpoint],
        // Listener filters; a JWKS fetched from a server needs its cluster.
        "AuthorizationPolicy": [.listener],
        "RequestAuthentication": [.listener, .cluster],
    ]

    public init(types: [TypeURL: Set<String>?], reason: String, namespaces: Set<String>?) {
        self.types = types
        self.reason = reason
        self.namespaces = namespaces
    }

    public static func full(reason: String = "config") -> PushScope {
        PushScope(types: Dictionary(uniqueKeysWithValues: MeshGenerator.typeURLs.map { ($0, nil) }), reason: reason, namespaces: nil)
    }

    /// The scope of `events`, judged against the contexts before and after them.
    public static func of(_ events: [ConfigEvent], before: PushContext, after: PushContext) -> PushScope {
        if events.allSatisfy({ endpointKinds.contains($0.key.kind) }) {
            var hosts: Set<ServiceRegistry.ServiceKey> = []
            for context in [before, after] {
                for service in context.registry.services where endpointsDiffer(service, before: before, after: after) {
                    hosts.insert(ServiceRegistry.ServiceKey(hostname: service.hostname, namespace: service.namespace))
                }
            }
            let services = after.registry.services.filter {
                hosts.contains(ServiceRegistry.ServiceKey(hostname: $0.hostname, namespace: $0.namespace))
            }
            // DNS-resolved clusters carry their endpoints inline: those need CDS.
            if services.allSatisfy({ $0.resolution == .endpoints && !mutualTLSChanged($0, before: before, after: after) }) {
                return PushScope(types: [.endpoint: clusterNames(services, in: after)], reason: "endpoint", namespaces: nil)
            }
        }
        // Routing and policy kinds feed only some generators: regenerate just those.
        let kinds = Set(events.map(\.key.kind))
        if kinds.isSubset(of: narrowKinds.keys) {
            let types = kinds.reduce(into: Set<TypeURL>()) { $0.formUnion(narrowKinds[$1] ?? []) }
            return PushScope(types: Dictionary(uniqueKeysWithValues: types.map { ($0, nil) }), reason: "config", namespaces: nil)
        }
        if events.allSatisfy({ $0.key.kind == "Sidecar" }) {
            var scope = full()
            scope.namespaces = Set(events.map(\.key.namespace))
            if scope.namespaces?.contains(after.mesh.resolvedRootNamespace) == true { scope.namespaces = nil }
            return scope
        }
        return full()
    }

    static func endpointsDiffer(_ service: MeshService, before: PushContext, after: PushContext) -> Bool {
        before.registry.endpoints(of: service) != after.registry.endpoints(of: service)
    }

    /// Whether the change turns auto-mTLS on or off for the service (its cluster changes).
    static func mutualTLSChanged(_ service: MeshService, before: PushContext, after: PushContext) -> Bool {
        before.registry.acceptsMutualTLS(service) != after.registry.acceptsMutualTLS(service)
    }

    /// Every EDS cluster name of `services`: each port, plain and per subset of any
    /// DestinationRule for the host.
    static func clusterNames(_ services: [MeshService], in context: PushContext) -> Set<String> {
        var names: Set<String> = []
        for service in services {
            let subsets = context.destinationRules
                .filter { HostMatch.matches(service.hostname, pattern: $0.host) }
                .flatMap { $0.spec.subsets ?? [] }.map(\.name)
            for port in service.ports {
                names.insert(MeshNames.outboundCluster(host: service.hostname, port: port.number))
                for subset in subsets {
                    names.insert(MeshNames.outboundCluster(host: service.hostname, port: port.number, subset: subset))
                }
            }
        }
        return names
    }
}
