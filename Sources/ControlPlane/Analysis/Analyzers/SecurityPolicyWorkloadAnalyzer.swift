import Discovery

/// An AuthorizationPolicy or RequestAuthentication that applies to no workload
/// (IST0127), as Istio's `auth.AuthorizationPoliciesAnalyzer` reports it: a
/// namespace policy in a namespace without workloads, or a selector no workload
/// matches (in its namespace; anywhere for the root namespace). Policies attached by
/// `targetRef(s)` are skipped, and so is input that has no workloads at all (files
/// often leave Pods out).
public struct SecurityPolicyWorkloadAnalyzer: Analyzer {
    /// The check's name, in the style of Istio's analyzer names.
    public var name: String { "auth.AuthorizationPoliciesAnalyzer" }
    /// MeshConfig's `rootNamespace`: policies there apply mesh-wide.
    public var rootNamespace: String

    /// The analyzer, with the mesh settings it needs (defaults: Istio's).
    public init(rootNamespace: String = "istio-system") {
        self.rootNamespace = rootNamespace
    }

    /// The findings over `context`.
    public func analyze(_ context: AnalysisContext) -> [AnalysisFinding] {
        guard !context.workloads.isEmpty else { return [] }
        var findings: [AnalysisFinding] = []
        func check(_ object: AnalyzedObject, _ scope: SecurityPolicyScope) {
            guard !scope.targetsGateways else { return }
            let hasSelector = !(scope.selector ?? [:]).isEmpty
            // A selector-less root-namespace policy covers the whole mesh: nothing to check.
            if scope.namespace == rootNamespace, !hasSelector { return }
            guard scope.workloads(in: context).isEmpty else { return }
            findings.append(AnalysisFinding(
                .noMatchingWorkloadsFound, object,
                "No matching workloads for this resource with the following labels: \(scope.selectorText)"))
        }
        for policy in context.list(AuthorizationPolicy.self) {
            check(policy.object, policy.resource.spec.scope(namespace: policy.namespace, rootNamespace: rootNamespace))
        }
        for policy in context.list(RequestAuthentication.self) {
            let spec = policy.resource.spec
            check(policy.object, SecurityPolicyScope(
                namespace: policy.namespace, selector: spec.selector?.matchLabels, rootNamespace: rootNamespace,
                targetsGateways: spec.targetRef != nil || !(spec.targetRefs ?? []).isEmpty))
        }
        return findings
    }
}
