import Discovery

/// A PeerAuthentication `portLevelMtls` entry for a port none of the selected
/// workloads serves (CTL0204): the setting has no effect, and is often a service
/// port written where Istio expects the workload's (target) port. Workloads whose
/// ports no Service or ServiceEntry declares are not judged.
public struct PortLevelMTLSAnalyzer: Analyzer {
    /// The check's name, in the style of Istio's analyzer names.
    public var name: String { "peerauthentication.PortLevelMtlsAnalyzer" }

    /// The analyzer; it has no settings.
    public init() {}

    /// The findings over `context`.
    public func analyze(_ context: AnalysisContext) -> [AnalysisFinding] {
        var findings: [AnalysisFinding] = []
        for policy in context.list(PeerAuthentication.self) {
            guard let levels = policy.resource.spec.portLevelMtls, !levels.isEmpty,
                let selector = policy.resource.spec.selector?.matchLabels, !selector.isEmpty
            else { continue }
            let workloads = context.workloads.filter {
                $0.namespace == policy.namespace && $0.labels.contains(selector: selector)
            }
            let served = workloads.map { context.ports(of: $0) }
            // Nothing known about the workloads' ports: nothing to judge.
            guard !served.isEmpty, served.allSatisfy({ !$0.isEmpty }) else { continue }
            let numbers = Set(served.flatMap { $0.map(\.number) })
            for key in levels.keys.sorted() {
                guard let port = Int(key), !numbers.contains(port) else { continue }
                findings.append(AnalysisFinding(
                    .portLevelMTLSPortNotServed, policy.object,
                    "Port \(port) in portLevelMtls is not a port the selected workloads serve "
                        + "(they serve \(numbers.sorted().map(String.init).joined(separator: ", "))); "
                        + "portLevelMtls names the workload's (target) port."))
            }
        }
        return findings
    }
}

extension AnalysisMessageType {
    /// A PeerAuthentication's port-level setting names a port its workloads don't serve.
    public static let portLevelMTLSPortNotServed = Self(
        code: "CTL0204", name: "PortLevelMtlsPortNotServed", level: .warning)
}
