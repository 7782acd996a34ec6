/// Istio's PeerAuthentication: whether workloads accept plaintext, mTLS, or both.
public typealias PeerAuthentication = SpecObject<PeerAuthenticationSpec>

/// `PeerAuthentication.spec`.
public struct PeerAuthenticationSpec: ResourceSpec {
    public static let groupKind = GroupKind(group: IstioAPI.security, kind: "PeerAuthentication")
    public static let versions = IstioAPI.securityVersions

    /// `mtls`.
    public struct MutualTLS: Sendable, Codable, Hashable {
        /// `mode`.
        public enum Mode: String, Sendable, Codable, Hashable {
            case unset = "UNSET", disable = "DISABLE", permissive = "PERMISSIVE", strict = "STRICT"
        }
        public var mode: Mode?
    }

    public var selector: MatchLabelsSelector?
    public var mtls: MutualTLS?
    /// Port number (as a string key) to mode.
    public var portLevelMtls: [String: MutualTLS]?

    public init() {}
}
