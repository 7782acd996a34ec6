import Discovery

/// A DestinationRule subset whose labels select none of its host's workloads
/// (IST0173): traffic to it fails with 503 UH. A host's workloads are the Pods and
/// WorkloadEntries its Service selector or ServiceEntry `workloadSelector` picks in
/// its namespace, and a ServiceEntry's inline `endpoints`. Reported only when at
/// least one workload of the host is known, since a file set often leaves them out.
public struct DestinationRuleSubsetAnalyzer: Analyzer {
    /// The check's name, in the style of Istio's analyzer names.
    public var name: String { "destinationrule.SubsetSelectPodAnalyzer" }

    /// The analyzer; it has no settings.
    public init() {}

    /// The findings over `context`.
    public func analyze(_ context: AnalysisContext) -> [AnalysisFinding] {
        var findings: [AnalysisFinding] = []
        for rule in context.list(DestinationRule.self) {
            let spec = rule.resource.spec
            guard let subsets = spec.subsets, !subsets.isEmpty,
                let service = context.services.service(
                    for: spec.host ?? "", from: rule.namespace, exportTo: spec.exportTo, resolver: context.resolver)
            else { continue }
            let workloads = service.workloadLabels(among: context.workloads)
            guard !workloads.isEmpty else { continue }
            for subset in subsets {
                let labels = subset.labels ?? [:]
                guard !workloads.contains(where: { $0.contains(selector: labels) }) else { continue }
                findings.append(
                    AnalysisFinding(
                        .destinationRuleSubsetNotSelectPods, rule.object,
                        "The Subset \(subset.name) defined in the DestinationRule does not select any pods. "
                            + "Which may lead to 503 UH (NoHealthyUpstream)."))
            }
        }
        return findings
    }
}
