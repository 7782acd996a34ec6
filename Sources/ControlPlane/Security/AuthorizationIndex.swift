public import Discovery

/// An AuthorizationPolicy with the identity translation needs (its name goes into
/// Envoy's policy names) and whether it is a dry run.
public struct ScopedAuthorizationPolicy: Sendable, Equatable {
    /// The policy's namespace (the root namespace's apply mesh-wide).
    public let namespace: String
    /// Its name, part of the Envoy policy names (`ns[NS]-policy[NAME]-rule[I]`).
    public let name: String
    /// The spec as written.
    public let spec: AuthorizationPolicySpec
    /// `istio.io/dry-run: "true"`: evaluated and counted by Envoy, never enforced.
    public let dryRun: Bool

    /// Reads namespace, name, spec and the dry-run annotation of `policy`.
    public init(_ policy: AuthorizationPolicy) {
        self.namespace = policy.metadata.namespace ?? "default"
        self.name = policy.metadata.name ?? ""
        self.spec = policy.spec
        self.dryRun = Self.parseBool(policy.metadata.annotations?["istio.io/dry-run"])
    }

    /// `action`, ALLOW when absent.
    public var action: AuthorizationPolicySpec.Action { spec.action ?? .allow }

    /// The spellings Go's `strconv.ParseBool` takes as true, which Istio uses here.
    static func parseBool(_ text: String?) -> Bool {
        ["1", "t", "T", "TRUE", "true", "True"].contains(text ?? "")
    }
}

/// A RequestAuthentication's namespace, name and spec.
public struct ScopedRequestAuthentication: Sendable, Equatable {
    /// The policy's namespace.
    public let namespace: String
    /// Its name.
    public let name: String
    /// The spec as written.
    public let spec: RequestAuthenticationSpec

    /// Reads namespace, name and spec of `policy`.
    public init(_ policy: RequestAuthentication) {
        self.namespace = policy.metadata.namespace ?? "default"
        self.name = policy.metadata.name ?? ""
        self.spec = policy.spec
    }
}

/// The AuthorizationPolicies that apply to one proxy, by action.
public struct ApplicableAuthorizationPolicies: Sendable, Equatable {
    /// CUSTOM policies (enforced fail-closed, see ``AuthorizationFilterBuilder``).
    public var custom: [ScopedAuthorizationPolicy] = []
    /// DENY policies.
    public var deny: [ScopedAuthorizationPolicy] = []
    /// ALLOW policies (also those without `action`).
    public var allow: [ScopedAuthorizationPolicy] = []
    /// AUDIT policies.
    public var audit: [ScopedAuthorizationPolicy] = []

    /// Whether no policy applies.
    public var isEmpty: Bool { custom.isEmpty && deny.isEmpty && allow.isEmpty && audit.isEmpty }

    mutating func add(_ policy: ScopedAuthorizationPolicy) {
        switch policy.action {
        case .allow: allow.append(policy)
        case .deny: deny.append(policy)
        case .audit: audit.append(policy)
        case .custom: custom.append(policy)
        }
    }
}

/// AuthorizationPolicies and RequestAuthentications grouped by namespace, built once
/// per PushContext: a proxy's policies are then found by reading two namespaces (the
/// root namespace's, which apply mesh-wide, and its own) instead of every policy.
/// RequestAuthentications live here too because authorization reads what they verify
/// (request principals and claims).
public struct AuthorizationIndex: Sendable {
    /// MeshConfig's `rootNamespace`.
    public let rootNamespace: String
    private let authorizationPolicies: [String: [ScopedAuthorizationPolicy]]
    private let requestAuthentications: [String: [ScopedRequestAuthentication]]

    /// Indexes the snapshot's policies, each namespace's in Istio's order (oldest
    /// first, then by name), which fixes the order of JWT providers with equal issuers.
    public init(snapshot: ConfigSnapshot, rootNamespace: String) {
        self.rootNamespace = rootNamespace
        let policies = Self.oldestFirst(snapshot.list(AuthorizationPolicy.self))
        self.authorizationPolicies = Dictionary(grouping: policies.map(ScopedAuthorizationPolicy.init), by: \.namespace)
        let authentications = Self.oldestFirst(snapshot.list(RequestAuthentication.self))
        self.requestAuthentications = Dictionary(
            grouping: authentications.map(ScopedRequestAuthentication.init), by: \.namespace)
    }

    /// Every indexed AuthorizationPolicy, by namespace then age (for analysis and debug).
    public var allAuthorizationPolicies: [ScopedAuthorizationPolicy] {
        authorizationPolicies.keys.sorted().flatMap { authorizationPolicies[$0] ?? [] }
    }

    /// The AuthorizationPolicies that apply to `proxy`: the root namespace's, then its
    /// namespace's, each kept when its selector or target picks the proxy.
    public func authorizationPolicies(for proxy: MeshProxy) -> ApplicableAuthorizationPolicies {
        var result = ApplicableAuthorizationPolicies()
        for namespace in lookupNamespaces(for: proxy) {
            for policy in authorizationPolicies[namespace] ?? [] where PolicyAttachment.applies(
                selector: policy.spec.selector, targetRef: policy.spec.targetRef, targetRefs: policy.spec.targetRefs,
                policyNamespace: policy.namespace, to: proxy)
            {
                result.add(policy)
            }
        }
        return result
    }

    /// The RequestAuthentications that apply to `proxy`, chosen like AuthorizationPolicies.
    public func requestAuthentications(for proxy: MeshProxy) -> [ScopedRequestAuthentication] {
        lookupNamespaces(for: proxy).flatMap { namespace in
            (requestAuthentications[namespace] ?? []).filter {
                PolicyAttachment.applies(
                    selector: $0.spec.selector, targetRef: $0.spec.targetRef, targetRefs: $0.spec.targetRefs,
                    policyNamespace: $0.namespace, to: proxy)
            }
        }
    }

    private func lookupNamespaces(for proxy: MeshProxy) -> [String] {
        proxy.namespace == rootNamespace ? [rootNamespace] : [rootNamespace, proxy.namespace]
    }

    /// Istio's order: creation time (RFC 3339 text sorts as time), then name, then namespace.
    private static func oldestFirst<Spec>(_ objects: [SpecObject<Spec>]) -> [SpecObject<Spec>] {
        objects.sorted {
            ($0.metadata.creationTimestamp ?? "", $0.metadata.name ?? "", $0.metadata.namespace ?? "")
                < ($1.metadata.creationTimestamp ?? "", $1.metadata.name ?? "", $1.metadata.namespace ?? "")
        }
    }
}

/// Whether a security policy (`selector`, `targetRef`, `targetRefs`) attaches to a
/// proxy, as Istio decides for sidecars and gateways (pilot/pkg/model/policyattachment.go):
///
/// - An ordinary proxy (sidecar, Istio gateway) uses `selector` only; a policy with
///   `targetRef(s)` never applies to it.
/// - A Gateway API gateway (label `gateway.networking.k8s.io/gateway-name`) takes a
///   policy whose target is its `Gateway` (same namespace as the policy), or, without
///   targets, one whose selector matches (Istio's default
///   `ENABLE_SELECTOR_BASED_K8S_GATEWAY_POLICY`). Waypoint targets (Service,
///   ServiceEntry, GatewayClass) are ambient-only and never match here.
enum PolicyAttachment {
    static let gatewayNameLabel = "gateway.networking.k8s.io/gateway-name"

    static func applies(
        selector: MatchLabelsSelector?, targetRef: PolicyTargetReference?, targetRefs: [PolicyTargetReference]?,
        policyNamespace: String, to proxy: MeshProxy
    ) -> Bool {
        let targets = (targetRefs ?? []).isEmpty ? (targetRef.map { [$0] } ?? []) : (targetRefs ?? [])
        let selected = (selector?.matchLabels ?? [:]).allSatisfy { proxy.labels[$0.key] == $0.value }
        guard let gatewayName = proxy.labels[gatewayNameLabel] else {
            return targets.isEmpty && selected
        }
        if targets.isEmpty { return selected }
        return targets.contains { target in
            policyNamespace == proxy.namespace
                && ((target.namespace ?? "").isEmpty || target.namespace == proxy.namespace)
                && isGatewayKind(target) && target.name == gatewayName
        }
    }

    /// `gateway.networking.k8s.io` `Gateway`.
    static func isGatewayKind(_ target: PolicyTargetReference) -> Bool {
        target.group == "gateway.networking.k8s.io" && target.kind == "Gateway"
    }
}
