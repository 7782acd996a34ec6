public import XDS

/// The security filters of a sidecar's inbound chains: JWT verification from
/// RequestAuthentications and RBAC from AuthorizationPolicies, selected for one
/// proxy. The inbound listener code puts `httpFilters` before the router and
/// `networkFilters` before tcp_proxy.
///
/// Every inbound port gets the same rules, as in Istio: a rule limited by
/// `to.ports` carries a `destination_port` condition rather than being left out
/// of other ports' filters.
public struct InboundPolicyFilters: Sendable {
    let context: PushContext
    let proxy: MeshProxy
    let authorization: ApplicableAuthorizationPolicies
    let authentications: [ScopedRequestAuthentication]

    /// Selects the policies that apply to `proxy` (the root namespace's and its own
    /// namespace's, narrowed by selector; see ``AuthorizationIndex``).
    public init(context: PushContext, proxy: MeshProxy) {
        self.context = context
        self.proxy = proxy
        self.authorization = context.authorization.authorizationPolicies(for: proxy)
        self.authentications = context.authorization.requestAuthentications(for: proxy)
    }

    /// Whether any AuthorizationPolicy or RequestAuthentication applies.
    public var isEmpty: Bool { authorization.isEmpty && authentications.allSatisfy { ($0.spec.jwtRules ?? []).isEmpty } }

    /// HTTP filters to put before the router on every inbound HTTP port, in Envoy
    /// order: jwt_authn (so every RBAC filter sees verified request principals), the
    /// fail-closed CUSTOM deny, then AUDIT, DENY and ALLOW RBAC.
    public func httpFilters() throws -> [Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_HttpFilter] {
        var filters: [Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_HttpFilter] = []
        if let jwt = try JWTAuthnTranslator(context: context, proxy: proxy).filter(authentications) {
            filters.append(jwt)
        }
        filters += try builder.httpFilters()
        return filters
    }

    /// Network filters to put before tcp_proxy on every inbound TCP port (network
    /// RBAC). HTTP-only conditions cannot match here: an ALLOW rule using them is
    /// dropped, a DENY or AUDIT rule loses them (and so matches more).
    public func networkFilters() throws -> [Envoy_Config_Listener_V3_Filter] {
        try builder.networkFilters()
    }

    private var builder: AuthorizationFilterBuilder {
        AuthorizationFilterBuilder(policies: authorization, trustDomain: context.trustDomain)
    }
}
