/// Istio's AuthorizationPolicy: allow, deny, audit or delegate (custom) access to workloads.
public typealias AuthorizationPolicy = SpecObject<AuthorizationPolicySpec>

/// `AuthorizationPolicy.spec`.
public struct AuthorizationPolicySpec: ResourceSpec {
    public static let groupKind = GroupKind(group: IstioAPI.security, kind: "AuthorizationPolicy")
    public static let versions = IstioAPI.securityVersions

    /// `action` (ALLOW when absent).
    public enum Action: String, Sendable, Codable, Hashable {
        case allow = "ALLOW", deny = "DENY", audit = "AUDIT", custom = "CUSTOM"
    }

    /// `provider` of a CUSTOM action (an extension provider in MeshConfig).
    public struct ExtensionProvider: Sendable, Codable, Hashable {
        public var name: String?
    }

    /// `rules[]`: from, to and when must all match.
    public struct Rule: Sendable, Codable, Hashable {
        /// `from[]`.
        public struct From: Sendable, Codable, Hashable {
            public var source: Source?
        }
        /// `to[]`.
        public struct To: Sendable, Codable, Hashable {
            public var operation: Operation?
        }
        public var from: [From]?
        public var to: [To]?
        public var when: [Condition]?
    }

    /// `from[].source`: who is calling.
    public struct Source: Sendable, Codable, Hashable {
        public var principals: [String]?
        public var notPrincipals: [String]?
        public var requestPrincipals: [String]?
        public var notRequestPrincipals: [String]?
        public var namespaces: [String]?
        public var notNamespaces: [String]?
        public var ipBlocks: [String]?
        public var notIpBlocks: [String]?
        public var remoteIpBlocks: [String]?
        public var notRemoteIpBlocks: [String]?
        public var serviceAccounts: [String]?
        public var notServiceAccounts: [String]?
        public var trustDomains: [String]?
        public var notTrustDomains: [String]?
    }

    /// `to[].operation`: what is being called.
    public struct Operation: Sendable, Codable, Hashable {
        public var hosts: [String]?
        public var notHosts: [String]?
        public var ports: [String]?
        public var notPorts: [String]?
        public var methods: [String]?
        public var notMethods: [String]?
        public var paths: [String]?
        public var notPaths: [String]?
    }

    /// `when[]`: an attribute condition.
    public struct Condition: Sendable, Codable, Hashable {
        public var key: String
        public var values: [String]?
        public var notValues: [String]?
    }

    public var selector: MatchLabelsSelector?
    public var targetRef: PolicyTargetReference?
    public var targetRefs: [PolicyTargetReference]?
    public var rules: [Rule]?
    public var action: Action?
    public var provider: ExtensionProvider?

    public init() {}
}
