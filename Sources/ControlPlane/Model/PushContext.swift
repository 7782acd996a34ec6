import Discovery
import Foundation

/// Everything translation reads, indexed once per configuration change: an
/// immutable snapshot shared by every proxy's generation until the next change.
public struct PushContext: Sendable {
    public let version: Int
    public let mesh: MeshConfig
    public let resolver: HostNameResolver
    public let trustDomain: String
    public let registry: ServiceRegistry
    /// Services by hostname (one per declaring namespace).
    public let servicesByHost: [String: [MeshService]]
    public let virtualServices: [ScopedVirtualService]
    public let destinationRules: [ScopedDestinationRule]
    public let gateways: [Gateway]
    public let sidecars: [Sidecar]
    /// Kubernetes Secrets by `namespace/name`, for gateways' `credentialName`.
    public let secrets: [String: Secret]
    /// PeerAuthentications, for inbound mTLS and for callers' auto mTLS.
    public let peerAuthentication: PeerAuthenticationIndex
    /// AuthorizationPolicies and RequestAuthentications by namespace.
    public let authorization: AuthorizationIndex
    /// Positions in `virtualServices` by exact host, and those with wildcard hosts,
    /// so a host's routing is found without scanning every VirtualService.
    private let virtualServicesByHost: HostIndex
    /// Positions in `destinationRules`, likewise.
    private let destinationRulesByHost: HostIndex

    public init(snapshot: ConfigSnapshot, mesh: MeshConfig = MeshConfig(), clusterDomain: String = "cluster.local") {
        self.version = snapshot.version
        self.mesh = mesh
        self.resolver = HostNameResolver(clusterDomain: clusterDomain)
        self.trustDomain = mesh.trustDomain ?? "cluster.local"
        let registry = ServiceRegistry(snapshot: snapshot, clusterDomain: clusterDomain)
        self.registry = registry
        self.servicesByHost = Dictionary(grouping: registry.services, by: \.hostname)
        let resolver = self.resolver
        self.virtualServices = snapshot.list(VirtualService.self).map { ScopedVirtualService($0, resolver: resolver) }
        self.destinationRules = snapshot.list(DestinationRule.self).map { ScopedDestinationRule($0, resolver: resolver) }
        self.virtualServicesByHost = HostIndex(virtualServices.map(\.hosts))
        self.destinationRulesByHost = HostIndex(destinationRules.map { [$0.host] })
        self.gateways = snapshot.list(Gateway.self)
        self.sidecars = snapshot.list(Sidecar.self)
        self.peerAuthentication = PeerAuthenticationIndex(
            snapshot.list(PeerAuthentication.self), rootNamespace: mesh.resolvedRootNamespace)
        self.secrets = Dictionary(
            snapshot.list(Secret.self).map { ("\($0.metadata.namespace ?? "default")/\($0.metadata.name ?? "")", $0) },
            uniquingKeysWith: { first, _ in first })
        self.authorization = AuthorizationIndex(snapshot: snapshot, rootNamespace: mesh.resolvedRootNamespace)
    }

    // MARK: Services

    /// The service `hostname` as seen from `namespace`: its own namespace's first,
    /// as Istio prefers, then any visible one.
    public func service(_ hostname: String, from namespace: String) -> MeshService? {
        guard let candidates = servicesByHost[hostname] else { return nil }
        return candidates.first { $0.namespace == namespace && $0.isVisible(from: namespace) }
            ?? candidates.first { $0.isVisible(from: namespace) }
    }

    /// Services a proxy may reach: exported to its namespace and, when its Sidecar
    /// lists egress hosts, named there.
    public func visibleServices(for proxy: MeshProxy) -> [MeshService] {
        let scope = sidecar(for: proxy).map { EgressScope($0, rootNamespace: mesh.resolvedRootNamespace) }
        var seen: Set<String> = []
        return registry.services.filter { service in
            guard service.isVisible(from: proxy.namespace) else { return false }
            if let scope, !scope.admits(service, from: proxy.namespace) { return false }
            // One service per hostname: the one the proxy's namespace prefers.
            guard self.service(service.hostname, from: proxy.namespace) == service else { return false }
            return seen.insert(service.hostname).inserted
        }
    }

    // MARK: Sidecars and gateways

    /// The Sidecar resource that applies to `proxy`: one in its namespace selecting
    /// it, else its namespace's default, else the root namespace's default.
    public func sidecar(for proxy: MeshProxy) -> Sidecar? {
        let own = sidecars.filter { ($0.metadata.namespace ?? "default") == proxy.namespace }
        if let selected = own.first(where: {
            guard let labels = $0.spec.workloadSelector?.labels, !labels.isEmpty else { return false }
            return proxy.labels.matches(labels)
        }) {
            return selected
        }
        if let namespaceDefault = own.first(where: { $0.spec.workloadSelector?.labels?.isEmpty ?? true }) {
            return namespaceDefault
        }
        return sidecars.first {
            ($0.metadata.namespace ?? "default") == mesh.resolvedRootNamespace
                && ($0.spec.workloadSelector?.labels?.isEmpty ?? true)
        }
    }

    /// Whether traffic to hosts outside the registry passes for `proxy`: its
    /// Sidecar's `outboundTrafficPolicy` when set, else MeshConfig's.
    public func allowsAnyOutbound(for proxy: MeshProxy) -> Bool {
        if let mode = sidecar(for: proxy)?.spec.outboundTrafficPolicy?.mode { return mode == .allowAny }
        return mesh.allowsAnyOutbound
    }

    /// Gateways whose selector matches the router `proxy`'s labels.
    public func gateways(for proxy: MeshProxy) -> [Gateway] {
        gateways.filter { gateway in
            guard let selector = gateway.spec.selector, !selector.isEmpty else { return false }
            return proxy.labels.matches(selector)
        }
    }

    // MARK: Routing and policy

    /// VirtualServices attached to `gateway` (`mesh` or `NS/NAME`) that `namespace`
    /// may see, in Istio's order (oldest first; here, by namespace and name).
    public func virtualServices(gateway: String, from namespace: String) -> [ScopedVirtualService] {
        virtualServices.filter { $0.gateways.contains(gateway) && $0.isVisible(from: namespace) }
    }

    /// The VirtualService routing `hostname` for `gateway` as seen from `namespace`:
    /// the first, in Istio's order, with a host matching it.
    public func virtualService(for hostname: String, gateway: String, from namespace: String) -> ScopedVirtualService? {
        for position in virtualServicesByHost.candidates(for: hostname) {
            let candidate = virtualServices[position]
            if candidate.gateways.contains(gateway) && candidate.isVisible(from: namespace) && candidate.applies(to: hostname) {
                return candidate
            }
        }
        return nil
    }

    /// The DestinationRule for `hostname` as seen from a proxy in `namespace`: the
    /// proxy's namespace first, then the service's, then the root namespace; an
    /// exact host before a wildcard. Rules for the same host in one namespace merge
    /// their subsets, the first rule's policy winning, as Istio merges them.
    public func destinationRule(for hostname: String, serviceNamespace: String, from namespace: String) -> ScopedDestinationRule? {
        let visible = destinationRulesByHost.candidates(for: hostname).map { destinationRules[$0] }
            .filter { $0.isVisible(from: namespace) && HostMatch.matches(hostname, pattern: $0.host) }
        guard !visible.isEmpty else { return nil }
        for preferred in [namespace, serviceNamespace, mesh.resolvedRootNamespace] {
            let candidates = visible.filter { $0.namespace == preferred }
            if let best = HostMatch.mostSpecific(candidates, hostname: hostname) {
                return candidates.filter { $0.host == best.host }.dropFirst().reduce(best) { $0.merging($1) }
            }
        }
        return HostMatch.mostSpecific(visible, hostname: hostname)
    }
}

/// A VirtualService with its hosts and gateways resolved the way Istio reads them.
public struct ScopedVirtualService: Sendable {
    public let object: VirtualService
    public let namespace: String
    public let name: String
    /// Hosts as FQDNs (or wildcards).
    public let hosts: [String]
    /// `mesh` or `NS/NAME`; `mesh` when none is written.
    public let gateways: Set<String>
    public let exportTo: Set<String>

    init(_ object: VirtualService, resolver: HostNameResolver) {
        self.object = object
        let namespace = object.metadata.namespace ?? "default"
        self.namespace = namespace
        self.name = object.metadata.name ?? ""
        self.hosts = (object.spec.hosts ?? []).map { resolver.qualify($0, namespace: namespace) }
        let written = object.spec.gateways ?? []
        self.gateways = written.isEmpty
            ? [GatewayReference.mesh] : Set(written.map { GatewayReference.resolve($0, namespace: namespace) })
        self.exportTo = ServiceRegistry.exportTo(object.spec.exportTo, namespace: namespace)
    }

    public func isVisible(from namespace: String) -> Bool {
        exportTo.contains("*") || exportTo.contains(namespace)
    }

    /// Whether one of its hosts matches `hostname`.
    public func applies(to hostname: String) -> Bool {
        hosts.contains { HostMatch.matches(hostname, pattern: $0) }
    }
}

/// A DestinationRule with its host resolved.
public struct ScopedDestinationRule: Sendable {
    public let namespace: String
    public let name: String
    public let host: String
    public var spec: DestinationRuleSpec
    public let exportTo: Set<String>

    init(_ object: DestinationRule, resolver: HostNameResolver) {
        let namespace = object.metadata.namespace ?? "default"
        self.namespace = namespace
        self.name = object.metadata.name ?? ""
        self.host = resolver.qualify(object.spec.host ?? "", namespace: namespace)
        self.spec = object.spec
        self.exportTo = ServiceRegistry.exportTo(object.spec.exportTo, namespace: namespace)
    }

    public func isVisible(from namespace: String) -> Bool {
        exportTo.contains("*") || exportTo.contains(namespace)
    }

    /// The subset named `name`.
    public func subset(_ name: String) -> DestinationRuleSpec.Subset? {
        spec.subsets?.first { $0.name == name }
    }

    /// This rule with `other`'s subsets added (names already present are kept).
    func merging(_ other: ScopedDestinationRule) -> ScopedDestinationRule {
        var merged = self
        let known = Set((spec.subsets ?? []).map(\.name))
        let added = (other.spec.subsets ?? []).filter { !known.contains($0.name) }
        if !added.isEmpty { merged.spec.subsets = (spec.subsets ?? []) + added }
        if merged.spec.trafficPolicy == nil { merged.spec.trafficPolicy = other.spec.trafficPolicy }
        return merged
    }
}

/// Istio's host matching: exact names, `*` and `*.suffix` wildcards.
public enum HostMatch {
    /// Whether `hostname` and `pattern` can name the same host: equal, or one a
    /// wildcard covering the other (both wildcards: either suffix the other), as
    /// Istio's `host.Name.Matches`.
    public static func matches(_ hostname: String, pattern: String) -> Bool {
        if hostname == pattern { return true }
        switch (hostname.hasPrefix("*"), pattern.hasPrefix("*")) {
        case (true, true):
            let (a, b) = (hostname.dropFirst(), pattern.dropFirst())
            return a.hasSuffix(b) || b.hasSuffix(a)
        case (true, false): return pattern.hasSuffix(hostname.dropFirst())
        case (false, true): return hostname.hasSuffix(pattern.dropFirst())
        case (false, false): return false
        }
    }

    /// The rule whose host is the closest match: exact first, then the longest wildcard.
    static func mostSpecific(_ rules: [ScopedDestinationRule], hostname: String) -> ScopedDestinationRule? {
        rules.first { $0.host == hostname } ?? rules.max { $0.host.count < $1.host.count }
    }
}

/// What a Sidecar's egress hosts (`NS/HOST`) let a proxy reach.
struct EgressScope {
    var entries: [(namespace: String, host: String)]

    init(_ sidecar: Sidecar, rootNamespace: String) {
        let own = sidecar.metadata.namespace ?? "default"
        var entries: [(String, String)] = []
        for listener in sidecar.spec.egress ?? [] {
            for item in listener.hosts ?? [] {
                let parts = item.split(separator: "/", maxSplits: 1).map(String.init)
                guard parts.count == 2 else { continue }
                entries.append((parts[0] == "." ? own : parts[0], parts[1]))
            }
        }
        self.entries = entries
    }

    func admits(_ service: MeshService, from namespace: String) -> Bool {
        if entries.isEmpty { return true }
        return entries.contains { entry in
            // `~` names no namespace: it hides every service.
            let namespaceMatches = entry.namespace == "*" || entry.namespace == service.namespace
            return namespaceMatches && HostMatch.matches(service.hostname, pattern: entry.host)
        }
    }
}

/// Objects by the hosts they name: exact hosts in a dictionary, wildcard hosts in a
/// list checked for every lookup (there are few).
struct HostIndex: Sendable {
    private var exact: [String: [Int]] = [:]
    private var wildcard: [Int] = []

    /// `hosts[i]` are the hosts of object `i`.
    init(_ hosts: [[String]]) {
        for (position, names) in hosts.enumerated() {
            var isWildcard = false
            for name in names {
                if name.hasPrefix("*") {
                    isWildcard = true
                } else if exact[name]?.last != position {
                    exact[name, default: []].append(position)
                }
            }
            if isWildcard { wildcard.append(position) }
        }
    }

    /// Positions of objects that may match `hostname`, in their original order.
    func candidates(for hostname: String) -> [Int] {
        let direct = exact[hostname] ?? []
        if wildcard.isEmpty { return direct }
        if direct.isEmpty { return wildcard }
        return Array(Set(direct).union(wildcard)).sorted()
    }
}
