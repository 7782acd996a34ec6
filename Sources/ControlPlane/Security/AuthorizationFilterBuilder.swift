import Discovery
import XDS

/// The RBAC filters for the AuthorizationPolicies that apply to one proxy, in
/// Istio's order: the fail-closed CUSTOM deny, then AUDIT, DENY and ALLOW, one filter
/// per action present. A policy annotated `istio.io/dry-run: "true"` goes into the
/// filter's shadow rules: evaluated and counted, never enforced.
struct AuthorizationFilterBuilder: Sendable {
    var policies: ApplicableAuthorizationPolicies
    var trustDomain: String

    static let httpFilterName = "envoy.filters.http.rbac"
    static let networkFilterName = "envoy.filters.network.rbac"
    /// Istio's stat prefixes, so its dashboards and `istioctl x authz check` read ours.
    static let tcpStatPrefix = "tcp."
    static let dryRunAllowPrefix = "istio_dry_run_allow_"
    static let dryRunDenyPrefix = "istio_dry_run_deny_"
    static let customDenySuffix = "-deny-due-to-bad-CUSTOM-action"

    /// The enforced and shadow rules of one action.
    struct ActionRules {
        var rules: Envoy_Config_Rbac_V3_RBAC?
        var shadowRules: Envoy_Config_Rbac_V3_RBAC?

        var shadowStatPrefix: String {
            switch shadowRules?.action {
            case .allow?: AuthorizationFilterBuilder.dryRunAllowPrefix
            case .deny?: AuthorizationFilterBuilder.dryRunDenyPrefix
            default: ""
            }
        }
    }

    /// Rules for each action present, in filter order.
    func actions(forTCP: Bool) -> [ActionRules] {
        var result: [ActionRules] = []
        if let custom = customDeny(forTCP: forTCP) { result.append(custom) }
        for (group, action) in [(policies.audit, Envoy_Config_Rbac_V3_RBAC.Action.log), (policies.deny, .deny), (policies.allow, .allow)]
        where !group.isEmpty {
            result.append(rules(group, action: action, forTCP: forTCP))
        }
        return result
    }

    func httpFilters() throws -> [Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_HttpFilter] {
        try actions(forTCP: false).map { action in
            var config = Envoy_Extensions_Filters_Http_Rbac_V3_RBAC()
            if let rules = action.rules { config.rules = rules }
            if let shadow = action.shadowRules {
                config.shadowRules = shadow
                config.shadowRulesStatPrefix = action.shadowStatPrefix
            }
            return try EnvoyBlocks.httpFilter(Self.httpFilterName, config)
        }
    }

    func networkFilters() throws -> [Envoy_Config_Listener_V3_Filter] {
        try actions(forTCP: true).map { action in
            var config = Envoy_Extensions_Filters_Network_Rbac_V3_RBAC()
            config.statPrefix = Self.tcpStatPrefix
            if let rules = action.rules { config.rules = rules }
            if let shadow = action.shadowRules {
                config.shadowRules = shadow
                config.shadowRulesStatPrefix = action.shadowStatPrefix
            }
            return try EnvoyBlocks.networkFilter(Self.networkFilterName, config)
        }
    }

    /// The policies of one action: each rule a named Envoy policy
    /// (`ns[NS]-policy[NAME]-rule[I]`), dry-run policies in the shadow rules.
    private func rules(_ group: [ScopedAuthorizationPolicy], action: Envoy_Config_Rbac_V3_RBAC.Action, forTCP: Bool)
        -> ActionRules
    {
        let translator = AuthorizationRuleTranslator(trustDomain: trustDomain, forTCP: forTCP, dropsWholeRule: action == .allow)
        var enforced: Envoy_Config_Rbac_V3_RBAC?
        var shadow: Envoy_Config_Rbac_V3_RBAC?
        for policy in group {
            var target = (policy.dryRun ? shadow : enforced) ?? Self.rbac(action)
            for (name, rule) in Self.named(policy, translator: translator) { target.policies[name] = rule }
            if policy.dryRun { shadow = target } else { enforced = target }
        }
        return ActionRules(rules: enforced, shadowRules: shadow)
    }

    /// CUSTOM delegates to an external authorizer (ext_authz), which controld does
    /// not configure yet. Like istiod with a provider it cannot use, it fails closed:
    /// requests the CUSTOM rules match are denied (conditions that cannot apply are
    /// dropped, so the deny is never narrower than written). Dry-run CUSTOM policies
    /// are left out, as in Istio.
    private func customDeny(forTCP: Bool) -> ActionRules? {
        let enforced = policies.custom.filter { !$0.dryRun }
        guard !enforced.isEmpty else { return nil }
        let translator = AuthorizationRuleTranslator(trustDomain: trustDomain, forTCP: forTCP, dropsWholeRule: false)
        var rbac = Self.rbac(.deny)
        for policy in enforced {
            let provider = policy.spec.provider?.name ?? ""
            for (name, rule) in Self.named(policy, translator: translator) {
                rbac.policies["istio-ext-authz-\(provider)-\(name)\(Self.customDenySuffix)"] = rule
            }
        }
        return ActionRules(rules: rbac, shadowRules: nil)
    }

    /// Each translated rule of `policy` under its Envoy name; a policy without rules
    /// contributes one policy that never matches.
    private static func named(_ policy: ScopedAuthorizationPolicy, translator: AuthorizationRuleTranslator)
        -> [(String, Envoy_Config_Rbac_V3_Policy)]
    {
        let prefix = "ns[\(policy.namespace)]-policy[\(policy.name)]-rule"
        let rules = policy.spec.rules ?? []
        guard !rules.isEmpty else { return [("\(prefix)[0]", AuthorizationRuleTranslator.matchNever)] }
        return rules.enumerated().compactMap { index, rule in
            translator.policy(for: rule, namespace: policy.namespace).map { ("\(prefix)[\(index)]", $0) }
        }
    }

    private static func rbac(_ action: Envoy_Config_Rbac_V3_RBAC.Action) -> Envoy_Config_Rbac_V3_RBAC {
        var rbac = Envoy_Config_Rbac_V3_RBAC()
        rbac.action = action
        return rbac
    }
}
