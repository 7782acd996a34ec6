/// Istio's RequestAuthentication: which JWTs a workload accepts.
public typealias RequestAuthentication = SpecObject<RequestAuthenticationSpec>

/// `RequestAuthentication.spec`.
public struct RequestAuthenticationSpec: ResourceSpec {
    public static let groupKind = GroupKind(group: IstioAPI.security, kind: "RequestAuthentication")
    public static let versions = IstioAPI.securityVersions

    /// `jwtRules[]`: one issuer.
    public struct JWTRule: Sendable, Codable, Hashable {
        /// `presence`.
        public enum Presence: String, Sendable, Codable, Hashable {
            case optional = "OPTIONAL", required = "REQUIRED"
        }
        /// `fromHeaders[]`.
        public struct JWTHeader: Sendable, Codable, Hashable {
            public var name: String
            public var prefix: String?
        }
        /// `outputClaimToHeaders[]`.
        public struct ClaimToHeader: Sendable, Codable, Hashable {
            public var header: String
            public var claim: String
        }
        public var issuer: String?
        public var audiences: [String]?
        public var jwksUri: String?
        /// The snake-case spelling Istio's schema also accepts.
        public var jwks_uri: String?
        public var jwks: String?
        public var fromHeaders: [JWTHeader]?
        public var fromParams: [String]?
        public var fromCookies: [String]?
        public var outputPayloadToHeader: String?
        public var forwardOriginalToken: Bool?
        public var outputClaimToHeaders: [ClaimToHeader]?
        public var spaceDelimitedClaims: [String]?
        public var timeout: ConfigDuration?
        public var presence: Presence?
    }

    public var selector: MatchLabelsSelector?
    public var targetRef: PolicyTargetReference?
    public var targetRefs: [PolicyTargetReference]?
    public var jwtRules: [JWTRule]?

    public init() {}
}
