import Discovery
import XDS

/// Turns one AuthorizationPolicy rule into one Envoy RBAC policy, following istiod's
/// model (pilot/pkg/security/authz/model): each `to` becomes a permission and each
/// `from` a principal (Envoy matches when any permission and any principal match);
/// inside them every condition is and'ed, the values of a condition or'ed, and its
/// `not…` values negated.
struct AuthorizationRuleTranslator: Sendable {
    /// The mesh's trust domain; principals written with `cluster.local` (or this
    /// domain) are matched in it.
    var trustDomain: String
    /// On a TCP chain HTTP attributes cannot be seen.
    var forTCP: Bool
    /// ALLOW drops a rule it cannot translate fully; DENY, AUDIT and the fail-closed
    /// CUSTOM drop only the condition (``RuleError``).
    var dropsWholeRule: Bool

    /// The Envoy policy for `rule` of a policy in `namespace`; nil when the rule is
    /// dropped (an ALLOW rule with a condition that cannot apply, an invalid rule).
    func policy(for rule: AuthorizationPolicySpec.Rule, namespace: String) -> Envoy_Config_Rbac_V3_Policy? {
        do {
            var policy = Envoy_Config_Rbac_V3_Policy()
            policy.permissions = try rule.permissionConditions().map { try permission(all: $0) }
            policy.principals = try rule.principalConditions().map { try principal(all: $0, namespace: namespace) }
            return policy
        } catch {
            return nil
        }
    }

    /// A policy that never matches: what a policy without rules contributes
    /// (in an ALLOW policy that denies everything, Istio's "deny all").
    static var matchNever: Envoy_Config_Rbac_V3_Policy {
        var policy = Envoy_Config_Rbac_V3_Policy()
        policy.permissions = [.not(.anything)]
        policy.principals = [.not(.anything)]
        return policy
    }

    // MARK: Permissions

    private func permission(all conditions: [AuthorizationCondition]) throws(RuleError) -> RBACPermission {
        var and: [RBACPermission] = []
        for condition in conditions {
            let matches = try tolerant(condition.values) { value throws(RuleError) in try permission(condition.attribute, value) }
            if !matches.isEmpty { and.append(.or(matches)) }
            let excluded = try tolerant(condition.notValues) { value throws(RuleError) in try permission(condition.attribute, value) }
            if !excluded.isEmpty { and.append(.not(.or(excluded))) }
        }
        return .and(and.isEmpty ? [.anything] : and)
    }

    private func permission(_ attribute: AuthorizationCondition.Attribute, _ value: String) throws(RuleError) -> RBACPermission {
        if forTCP, attribute.isHTTPOnly { throw .httpOnly("\(attribute)") }
        var result = RBACPermission()
        switch attribute {
        case .host:
            result.header = RBACMatchers.header(":authority", value, ignoreCase: true)
        case .method:
            result.header = RBACMatchers.header(":method", value)
        case .path:
            // `{*}` / `{**}` path templates need Envoy's uri_template extension.
            if value.contains("{*}") || value.contains("{**}") { throw .unsupported("path template \(value)") }
            result.urlPath = RBACMatchers.path(value)
        case .destinationPort:
            guard let port = UInt32(value), port <= 65535 else { throw .invalid("port \(value)") }
            result.destinationPort = port
        case .destinationIP:
            guard let range = RBACMatchers.cidr(value) else { throw .invalid("address \(value)") }
            result.destinationIp = range
        case .connectionSNI:
            result.requestedServerName = RBACMatchers.wildcard(value)
        case .experimental(let key):
            throw .unsupported(key)
        default:
            throw .unsupported("\(attribute) as a permission")
        }
        return result
    }

    // MARK: Principals

    private func principal(all conditions: [AuthorizationCondition], namespace: String) throws(RuleError) -> RBACPrincipal {
        var and: [RBACPrincipal] = []
        for condition in conditions {
            let attribute = condition.attribute
            if attribute.matchesValuesTogether {
                if !condition.values.isEmpty, let match = try tolerant({ () throws(RuleError) in try jwtPrincipal(attribute, condition.values) }) {
                    and.append(match)
                }
                if !condition.notValues.isEmpty, let match = try tolerant({ () throws(RuleError) in try jwtPrincipal(attribute, condition.notValues) }) {
                    and.append(.not(match))
                }
                continue
            }
            let values = attribute == .principal ? localTrustDomain(condition.values) : condition.values
            let notValues = attribute == .principal ? localTrustDomain(condition.notValues) : condition.notValues
            let matches = try tolerant(values) { value throws(RuleError) in try principal(attribute, value, namespace: namespace) }
            if !matches.isEmpty { and.append(.or(matches)) }
            let excluded = try tolerant(notValues) { value throws(RuleError) in try principal(attribute, value, namespace: namespace) }
            if !excluded.isEmpty { and.append(.not(.or(excluded))) }
        }
        return .and(and.isEmpty ? [.anything] : and)
    }

    private func principal(_ attribute: AuthorizationCondition.Attribute, _ value: String, namespace: String) throws(RuleError)
        -> RBACPrincipal
    {
        if forTCP, attribute.isHTTPOnly { throw .httpOnly("\(attribute)") }
        var result = RBACPrincipal()
        switch attribute {
        case .principal:
            // The peer's SPIFFE id, written without its scheme.
            return .authenticated(RBACMatchers.wildcard(value, prefix: "spiffe://"))
        case .namespace:
            let pattern = value.split(separator: "*", omittingEmptySubsequences: false)
                .map { RBACMatchers.quote(String($0)) }.joined(separator: ".*")
            return .authenticated(RBACMatchers.regex(".*/ns/\(pattern)/.*"))
        case .serviceAccount:
            // `SA` (in the policy's namespace) or `NS/SA`.
            let parts = value.split(separator: "/", maxSplits: 1).map(String.init)
            let (accountNamespace, account) = parts.count == 2 ? (parts[0], parts[1]) : (namespace, value)
            return .authenticated(RBACMatchers.regex(
                "spiffe://.+/ns/\(RBACMatchers.quote(accountNamespace))/(.+/|)sa/\(RBACMatchers.quote(account))(/.+)?"))
        case .trustDomain:
            if value == "*" { return .authenticated(RBACMatchers.prefix("spiffe://")) }
            guard let star = value.firstIndex(of: "*") else {
                return .authenticated(RBACMatchers.prefix("spiffe://\(value)/"))
            }
            let head = RBACMatchers.quote(String(value[..<star]))
            let tail = RBACMatchers.quote(String(value[value.index(after: star)...]))
            return .authenticated(RBACMatchers.regex("spiffe://\(head)[^/]*\(tail)/.*"))
        case .sourceIP:
            guard let range = RBACMatchers.cidr(value) else { throw .invalid("address \(value)") }
            result.directRemoteIp = range
        case .remoteIP:
            guard let range = RBACMatchers.cidr(value) else { throw .invalid("address \(value)") }
            result.remoteIp = range
        case .requestHeader(let name):
            result.header = RBACMatchers.header(name, value)
        default:
            throw .unsupported("\(attribute) as a principal")
        }
        return result
    }

    /// Request principals, audiences, presenters and claims: read from the payload
    /// jwt_authn verified and stored in metadata.
    private func jwtPrincipal(_ attribute: AuthorizationCondition.Attribute, _ values: [String]) throws(RuleError)
        -> RBACPrincipal
    {
        if forTCP { throw .httpOnly("\(attribute)") }
        switch attribute {
        case .requestPrincipal:
            let each = values.map(requestPrincipal)
            return each.count == 1 ? each[0] : .or(each)
        case .audiences:
            return .metadata(RBACMatchers.jwtClaimList(["aud"], values))
        case .presenter:
            return .metadata(RBACMatchers.jwtClaimList(["azp"], values))
        case .claims(let path):
            return .metadata(RBACMatchers.jwtClaimList(path, values))
        default:
            throw .unsupported("\(attribute)")
        }
    }

    /// `ISS/SUB` (split at the last `/`, since issuers are URLs), with `*` as a
    /// prefix or suffix wildcard on either part, as `iss` and `sub` claim matches.
    private func requestPrincipal(_ value: String) -> RBACPrincipal {
        let any = RBACMatchers.regex(".+")
        let slash = value.lastIndex(of: "/")
        let issuer = slash.map { String(value[..<$0]) } ?? value
        let subject = slash.map { String(value[value.index(after: $0)...]) } ?? ""
        let (iss, sub): (StringMatcher, StringMatcher)
        if value == "*" {
            (iss, sub) = (any, any)
        } else if value.hasPrefix("*") {
            if slash != nil {
                iss = issuer == "*" ? any : RBACMatchers.suffix(String(issuer.dropFirst()))
                sub = RBACMatchers.exact(subject)
            } else {
                (iss, sub) = (any, RBACMatchers.suffix(String(value.dropFirst())))
            }
        } else if value.hasSuffix("*") {
            if slash != nil {
                iss = RBACMatchers.exact(issuer)
                sub = subject == "*" ? any : RBACMatchers.prefix(String(subject.dropLast()))
            } else {
                (iss, sub) = (RBACMatchers.prefix(String(value.dropLast())), any)
            }
        } else {
            (iss, sub) = (RBACMatchers.exact(issuer), RBACMatchers.exact(subject))
        }
        return .and([.metadata(RBACMatchers.jwtClaim("iss", iss)), .metadata(RBACMatchers.jwtClaim("sub", sub))])
    }

    /// Principals written in `cluster.local` (Istio's name for "this mesh") or in
    /// the mesh's own trust domain are matched in the mesh's trust domain. Others,
    /// and those with a `*` trust domain, stay as written.
    func localTrustDomain(_ principals: [String]) -> [String] {
        principals.map { principal in
            let parts = principal.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 5, parts[0] != "*", parts[0] == "cluster.local" || parts[0] == trustDomain else {
                return principal
            }
            return ([trustDomain] + parts.dropFirst().map(String.init)).joined(separator: "/")
        }
    }

    // MARK: Error policy

    /// The matchers for `values`, skipping values that cannot be translated unless
    /// the whole rule must be dropped.
    private func tolerant<T>(_ values: [String], _ make: (String) throws(RuleError) -> T) throws(RuleError) -> [T] {
        var made: [T] = []
        for value in values {
            if let result = try tolerant({ () throws(RuleError) in try make(value) }) { made.append(result) }
        }
        return made
    }

    private func tolerant<T>(_ make: () throws(RuleError) -> T) throws(RuleError) -> T? {
        do {
            return try make()
        } catch {
            if dropsWholeRule { throw error }
            return nil
        }
    }
}
