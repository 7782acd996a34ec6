import Discovery

/// A DestinationRule's host names no Service or ServiceEntry visible to it (IST0174):
/// its policy applies to nothing.
public struct UnknownDestinationRuleHostAnalyzer: Analyzer {
    /// The check's name, in the style of Istio's analyzer names.
    public var name: String { "destinationrule.UnknownHostAnalyzer" }

    /// The analyzer; it has no settings.
    public init() {}

    /// The findings over `context`.
    public func analyze(_ context: AnalysisContext) -> [AnalysisFinding] {
        context.list(DestinationRule.self).compactMap { rule in
            let spec = rule.resource.spec
            let host = spec.host ?? ""
            let service = context.services.service(
                for: host, from: rule.namespace, exportTo: spec.exportTo, resolver: context.resolver)
            guard service == nil else { return nil }
            return AnalysisFinding(
                .unknownDestinationRuleHost, rule.object,
                "The host \(host) defined in the DestinationRule does not match any services in the mesh.")
        }
    }
}
