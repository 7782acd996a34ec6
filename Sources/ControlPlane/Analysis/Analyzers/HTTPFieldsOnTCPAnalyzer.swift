import Discovery

/// An AuthorizationPolicy rule that uses HTTP-only fields (hosts, methods, paths,
/// request principals, `request.*` conditions) where every port it applies to
/// speaks TCP (CTL0202). There the fields cannot be seen, as in Istio: an ALLOW
/// rule never matches (so the traffic is denied), a DENY, AUDIT or CUSTOM rule
/// drops them and matches more than written. The ports are the rule's `to.ports`,
/// else every port the services selecting its workloads declare; the finding is
/// reported only when all of them are known.
public struct HTTPFieldsOnTCPAnalyzer: Analyzer {
    /// The check's name, in the style of Istio's analyzer names.
    public var name: String { "auth.HTTPFieldsOnTCPAnalyzer" }
    /// MeshConfig's `rootNamespace`: policies there apply mesh-wide.
    public var rootNamespace: String

    /// The analyzer, with the mesh settings it needs (defaults: Istio's).
    public init(rootNamespace: String = "istio-system") {
        self.rootNamespace = rootNamespace
    }

    /// The findings over `context`.
    public func analyze(_ context: AnalysisContext) -> [AnalysisFinding] {
        var findings: [AnalysisFinding] = []
        for policy in context.list(AuthorizationPolicy.self) {
            let spec = policy.resource.spec
            let workloads = spec.scope(namespace: policy.namespace, rootNamespace: rootNamespace).workloads(in: context)
            let served = workloads.reduce(into: Set<WorkloadPort>()) { $0.formUnion(context.ports(of: $1)) }
            guard !served.isEmpty else { continue }
            let protocols = Dictionary(served.map { ($0.number, $0.portProtocol) }, uniquingKeysWith: { first, second in
                first.isHTTP ? first : second
            })
            for (index, rule) in (spec.rules ?? []).enumerated() {
                let fields = Self.httpFields(rule)
                guard !fields.isEmpty else { continue }
                let ports = Self.ports(rule) ?? Set(protocols.keys)
                guard !ports.isEmpty, ports.allSatisfy({ protocols[$0].map { !$0.isHTTP } ?? false }) else { continue }
                let effect = (spec.action ?? .allow) == .allow
                    ? "the rule never matches there, so that traffic is denied"
                    : "they are ignored there, so the rule matches more than written"
                findings.append(AnalysisFinding(
                    .httpFieldsOnTCPPorts, policy.object,
                    "Rule \(index) uses HTTP-only fields (\(fields.joined(separator: ", "))) but applies only to "
                        + "non-HTTP ports \(ports.sorted().map(String.init).joined(separator: ", ")): \(effect)."))
            }
        }
        return findings
    }

    /// The HTTP-only fields a rule uses, by name.
    static func httpFields(_ rule: AuthorizationPolicySpec.Rule) -> [String] {
        var fields: [String] = []
        func note(_ name: String, _ values: [String]?) {
            if !(values ?? []).isEmpty, !fields.contains(name) { fields.append(name) }
        }
        for from in rule.from ?? [] {
            note("requestPrincipals", from.source?.requestPrincipals)
            note("notRequestPrincipals", from.source?.notRequestPrincipals)
        }
        for to in rule.to ?? [] {
            let operation = to.operation
            note("hosts", operation?.hosts)
            note("notHosts", operation?.notHosts)
            note("methods", operation?.methods)
            note("notMethods", operation?.notMethods)
            note("paths", operation?.paths)
            note("notPaths", operation?.notPaths)
        }
        for condition in rule.when ?? [] where condition.key.hasPrefix("request.") {
            note(condition.key, [condition.key])
        }
        return fields
    }

    /// The ports the rule's `to` entries name; nil when one of them (or the rule)
    /// has no `ports`, so the rule applies to every port.
    static func ports(_ rule: AuthorizationPolicySpec.Rule) -> Set<Int>? {
        guard let to = rule.to, !to.isEmpty else { return nil }
        var ports: Set<Int> = []
        for entry in to {
            guard let listed = entry.operation?.ports, !listed.isEmpty else { return nil }
            ports.formUnion(listed.compactMap { Int($0) })
        }
        return ports
    }
}
