import Discovery

/// Principals whose trust domain is neither the mesh's nor `cluster.local` (which
/// Istio reads as "this mesh") (CTL0201): only peers with certificates from that
/// other trust domain can match them, so in one mesh the rule usually never matches.
/// Principals with a wildcard trust domain (`*`, `*-td`) are fine.
public struct PrincipalTrustDomainAnalyzer: Analyzer {
    /// The check's name, in the style of Istio's analyzer names.
    public var name: String { "auth.PrincipalTrustDomainAnalyzer" }
    /// The mesh's trust domain (`--trust-domain`).
    public var trustDomain: String

    /// The analyzer, with the mesh settings it needs (defaults: Istio's).
    public init(trustDomain: String = "cluster.local") {
        self.trustDomain = trustDomain
    }

    /// The findings over `context`.
    public func analyze(_ context: AnalysisContext) -> [AnalysisFinding] {
        var findings: [AnalysisFinding] = []
        for policy in context.list(AuthorizationPolicy.self) {
            var principals: [String] = []
            for rule in policy.resource.spec.rules ?? [] {
                for from in rule.from ?? [] {
                    principals += (from.source?.principals ?? []) + (from.source?.notPrincipals ?? [])
                }
                for condition in rule.when ?? [] where condition.key == "source.principal" {
                    principals += (condition.values ?? []) + (condition.notValues ?? [])
                }
            }
            var reported: Set<String> = []
            for principal in principals where reported.insert(principal).inserted {
                guard let domain = foreignTrustDomain(principal) else { continue }
                findings.append(AnalysisFinding(
                    .principalTrustDomainMismatch, policy.object,
                    "The principal \(istioQuoted(principal)) has trust domain \(istioQuoted(domain)), "
                        + "not the mesh's \(istioQuoted(trustDomain)): it matches no workload of this mesh."))
            }
        }
        return findings
    }

    /// The trust domain of `TD/ns/NS/sa/SA` when it is another mesh's.
    func foreignTrustDomain(_ principal: String) -> String? {
        let parts = principal.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 5, parts[1] == "ns", parts[3] == "sa" else { return nil }
        let domain = String(parts[0])
        if domain.contains("*") || domain == trustDomain || domain == "cluster.local" { return nil }
        return domain
    }
}
