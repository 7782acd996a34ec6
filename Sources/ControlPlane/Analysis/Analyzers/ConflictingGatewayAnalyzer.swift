import Discovery

/// Gateways that select the same gateway workloads (equal selectors, or selectors a
/// known workload satisfies both) and bind the same port for the same host with the
/// same `bind` (IST0145): the gateway proxy can apply only one of them.
public struct ConflictingGatewayAnalyzer: Analyzer {
    /// The check's name, in the style of Istio's analyzer names.
    public var name: String { "gateway.ConflictingGatewayAnalyzer" }

    /// The analyzer; it has no settings.
    public init() {}

    /// The findings over `context`.
    public func analyze(_ context: AnalysisContext) -> [AnalysisFinding] {
        let gateways = context.list(Gateway.self)
        var findings: [AnalysisFinding] = []
        for gateway in gateways {
            let selector = gateway.resource.spec.selector ?? [:]
            let selectorText = HostMatching.selectorText(selector)
            let sameWorkloads = gateways.filter {
                $0.object.key != gateway.object.key
                    && Self.overlap(selector, $0.resource.spec.selector ?? [:], workloads: context.workloads)
            }
            for server in gateway.resource.spec.servers ?? [] {
                let port = server.port?.number ?? 0
                let hosts = server.hosts ?? []
                let conflicting = sameWorkloads.filter { other in
                    (other.resource.spec.servers ?? []).contains { otherServer in
                        (otherServer.port?.number ?? 0) == port && otherServer.bind == server.bind
                            && (otherServer.hosts ?? []).contains(where: { hosts.contains($0) })
                    }
                }
                guard !conflicting.isEmpty else { continue }
                let names = conflicting.map(\.object.fullName).sorted().joined(separator: ",")
                findings.append(
                    AnalysisFinding(
                        .conflictingGateways, gateway.object,
                        "Conflict with gateways \(names) (workload selector \(selectorText), port \(port), "
                            + "hosts \(hosts.joined(separator: ",")))."))
            }
        }
        return findings
    }

    /// Whether two gateway selectors pick the same proxies: equal, or both satisfied
    /// by one known workload.
    static func overlap(_ a: [String: String], _ b: [String: String], workloads: [AnalyzedWorkload]) -> Bool {
        if a == b { return true }
        return workloads.contains { $0.labels.contains(selector: a) && $0.labels.contains(selector: b) }
    }
}
