import Discovery

/// Sidecars of one namespace that select the same workload (IST0110), or several
/// without a workload selector (IST0111): which one a proxy gets is undefined.
/// Workloads are the Pods and WorkloadEntries of the Sidecar's namespace.
public struct SidecarSelectorAnalyzer: Analyzer {
    /// The check's name, in the style of Istio's analyzer names.
    public var name: String { "sidecar.SelectorAnalyzer" }

    /// The analyzer; it has no settings.
    public init() {}

    /// The findings over `context`.
    public func analyze(_ context: AnalysisContext) -> [AnalysisFinding] {
        var byWorkload: [AnalyzedWorkload: [Located<Sidecar>]] = [:]
        var withoutSelector: [String: [Located<Sidecar>]] = [:]
        for sidecar in context.list(Sidecar.self) {
            guard let labels = sidecar.resource.spec.workloadSelector?.labels, !labels.isEmpty else {
                withoutSelector[sidecar.namespace, default: []].append(sidecar)
                continue
            }
            for workload in context.workloads
            where workload.namespace == sidecar.namespace && workload.labels.contains(selector: labels) {
                byWorkload[workload, default: []].append(sidecar)
            }
        }
        var findings: [AnalysisFinding] = []
        let ordered = byWorkload.keys.sorted { ($0.namespace, $0.kind, $0.name) < ($1.namespace, $1.kind, $1.name) }
        for workload in ordered {
            let sidecars = byWorkload[workload] ?? []
            guard sidecars.count > 1 else { continue }
            let names = sidecars.map(\.name).sorted().joined(separator: " ")
            for sidecar in sidecars {
                findings.append(
                    AnalysisFinding(
                        .conflictingSidecarWorkloadSelectors, sidecar.object,
                        "The Sidecars [\(names)] in namespace \(istioQuoted(workload.namespace)) select the same workload "
                            + "\(workload.kind == "Pod" ? "pod" : "entry") \(istioQuoted(workload.name)), which can lead to "
                            + "undefined behavior."))
            }
        }
        for (namespace, sidecars) in withoutSelector where sidecars.count > 1 {
            let names = sidecars.map(\.name).sorted().joined(separator: " ")
            for sidecar in sidecars {
                findings.append(
                    AnalysisFinding(
                        .multipleSidecarsWithoutWorkloadSelectors, sidecar.object,
                        "The Sidecars [\(names)] in namespace \(istioQuoted(namespace)) have no workload selector, "
                            + "which can lead to undefined behavior."))
            }
        }
        return findings
    }
}
