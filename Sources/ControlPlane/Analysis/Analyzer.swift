/// One check over the whole input: pure, from the context to its findings.
public protocol Analyzer: Sendable {
    /// A short name for the check (`virtualservice.DestinationHostAnalyzer`).
    var name: String { get }
    /// The findings of this check, in any order.
    func analyze(_ context: AnalysisContext) -> [AnalysisFinding]
}

/// Runs every analyzer over an input: what `controld analyze` does.
public enum MeshAnalysis {
    /// Every analyzer, single-object findings first.
    public static let analyzers: [any Analyzer] = [
        SchemaAnalyzer(),
        DestinationHostAnalyzer(),
        VirtualServiceGatewayAnalyzer(),
        ConflictingMeshGatewayHostsAnalyzer(),
        UnknownDestinationRuleHostAnalyzer(),
        DestinationRuleSubsetAnalyzer(),
        ConflictingServiceEntryProtocolAnalyzer(),
        ConflictingGatewayAnalyzer(),
        SidecarSelectorAnalyzer(),
        SecurityPolicyWorkloadAnalyzer(),
        PrincipalTrustDomainAnalyzer(),
        HTTPFieldsOnTCPAnalyzer(),
        CustomAuthorizationAnalyzer(),
        PortLevelMTLSAnalyzer(),
    ]

    /// The findings of `analyzers` over `context`, without repeats, sorted by
    /// location, code, object and message.
    public static func run(_ context: AnalysisContext, analyzers: [any Analyzer] = analyzers) -> [AnalysisFinding] {
        var seen: Set<AnalysisFinding> = []
        var findings: [AnalysisFinding] = []
        for analyzer in analyzers {
            for finding in analyzer.analyze(context) where seen.insert(finding).inserted {
                findings.append(finding)
            }
        }
        return findings.sorted()
    }
}
