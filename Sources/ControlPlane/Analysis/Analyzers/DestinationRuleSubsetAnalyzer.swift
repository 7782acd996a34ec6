import Discovery

/// A DestinationRule subset whose labels select none of its host's workloads
/// (IST0173): traffic to it fails with 503 UH. A host's workloads are the Pods and
/// WorkloadEntries its Service selector or ServiceEntry `workloadSelector` picks in
/// its namespace, a ServiceEntry's inline `endpoints`, and the Pods a Service's
/// EndpointSlices point at. Reported only when the host's workloads are known (at
/// least one, and every EndpointSlice endpoint's Pod), since files often leave them out.
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
            guard let workloads = service.workloadLabels(among: context.workloads), !workloads.isEmpty else {
                continue
            }
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
