import Discovery

/// A CUSTOM AuthorizationPolicy (CTL0203): controld configures no external
/// authorizer (ext_authz), so, like istiod with a provider it cannot use, it denies
/// the requests the policy's rules match instead of asking the provider.
public struct CustomAuthorizationAnalyzer: Analyzer {
    /// The check's name, in the style of Istio's analyzer names.
    public var name: String { "auth.CustomActionAnalyzer" }

    /// The analyzer, with the mesh settings it needs (defaults: Istio's).
    public init() {}

    /// The findings over `context`.
    public func analyze(_ context: AnalysisContext) -> [AnalysisFinding] {
        context.list(AuthorizationPolicy.self).compactMap { policy in
            guard policy.resource.spec.action == .custom else { return nil }
            let provider = policy.resource.spec.provider?.name ?? ""
            return AnalysisFinding(
                .customActionNotSupported, policy.object,
                "The CUSTOM action (provider \(istioQuoted(provider))) is not supported: "
                    + "requests matching its rules are denied instead of being sent to the provider.")
        }
    }
}
