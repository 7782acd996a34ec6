import Discovery

/// Two VirtualServices bound to the mesh gateway (no `gateways`, or `mesh` among
/// them) defining the same host where both are visible (IST0109): which one wins is
/// undefined. Each VirtualService is reported once.
public struct ConflictingMeshGatewayHostsAnalyzer: Analyzer {
    /// The check's name, in the style of Istio's analyzer names.
    public var name: String { "virtualservice.ConflictingMeshGatewayHostsAnalyzer" }

    /// The analyzer; it has no settings.
    public init() {}

    private struct ScopedHost: Hashable, Comparable {
        var scope: String
        var host: String

        static func < (lhs: ScopedHost, rhs: ScopedHost) -> Bool { (lhs.scope, lhs.host) < (rhs.scope, rhs.host) }
    }

    /// The findings over `context`.
    public func analyze(_ context: AnalysisContext) -> [AnalysisFinding] {
        var byHost: [ScopedHost: [Located<VirtualService>]] = [:]
        for virtualService in context.list(VirtualService.self) {
            let spec = virtualService.resource.spec
            let gateways = spec.gateways ?? []
            guard gateways.isEmpty || gateways.contains("mesh") else { continue }
            for scope in HostMatching.scopes(exportTo: spec.exportTo, namespace: virtualService.namespace) {
                for host in spec.hosts ?? [] {
                    let fqdn = context.resolver.qualify(host, namespace: virtualService.namespace)
                    let key = ScopedHost(scope: scope, host: fqdn)
                    byHost[key, default: []].append(virtualService)
                }
            }
        }
        var reported: Set<ObjectKey> = []
        var findings: [AnalysisFinding] = []
        for key in byHost.keys.sorted() {
            var list = byHost[key] ?? []
            if key.scope != "*" {
                for other in byHost.keys.sorted() where other.scope == "*" && HostMatch.matches(key.host, pattern: other.host) {
                    list += byHost[other] ?? []
                }
            }
            guard list.count > 1 else { continue }
            let names = list.map(\.object.fullName).sorted().joined(separator: ",")
            for virtualService in list where reported.insert(virtualService.object.key).inserted {
                findings.append(
                    AnalysisFinding(
                        .conflictingMeshGatewayVirtualServiceHosts, virtualService.object,
                        "The VirtualServices \(names) associated with mesh gateway define the same host "
                            + "\(key.scope)/\(key.host) which can lead to undefined behavior. This can be fixed by "
                            + "merging the conflicting VirtualServices into a single resource."))
            }
        }
        return findings
    }
}
