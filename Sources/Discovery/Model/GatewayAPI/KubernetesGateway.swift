/// The Gateway API's Gateway (`gateway.networking.k8s.io/v1`): listeners a gateway
/// class implements. Decoded and validated now; translated later.
public typealias KubernetesGateway = SpecObject<KubernetesGatewaySpec>

/// `Gateway.spec` of the Gateway API.
public struct KubernetesGatewaySpec: ResourceSpec {
    public static let groupKind = GroupKind(group: GatewayAPI.group, kind: "Gateway")
    public static let versions = GatewayAPI.versions

    public var gatewayClassName: String?
    public var listeners: [Listener]?
    public var addresses: [Address]?
    public var infrastructure: Infrastructure?

    public init() {}

    /// `listeners[]`.
    public struct Listener: Sendable, Codable, Hashable {
        public var name: String
        public var hostname: String?
        public var port: Int
        /// HTTP, HTTPS, TLS, TCP, UDP, or a domain-prefixed custom protocol.
        public var `protocol`: String
        public var tls: TLSConfig?
        public var allowedRoutes: AllowedRoutes?
    }

    /// `listeners[].tls`.
    public struct TLSConfig: Sendable, Codable, Hashable {
        /// `mode`.
        public enum Mode: String, Sendable, Codable, Hashable { case terminate = "Terminate", passthrough = "Passthrough" }
        public var mode: Mode?
        public var certificateRefs: [SecretObjectReference]?
        public var options: [String: String]?
    }

    /// `listeners[].allowedRoutes`.
    public struct AllowedRoutes: Sendable, Codable, Hashable {
        /// `namespaces`.
        public struct Namespaces: Sendable, Codable, Hashable {
            /// `from`.
            public enum From: String, Sendable, Codable, Hashable { case all = "All", same = "Same", selector = "Selector" }
            public var from: From?
            public var selector: LabelSelector?
        }
        /// `kinds[]`.
        public struct RouteGroupKind: Sendable, Codable, Hashable {
            public var group: String?
            public var kind: String
        }
        public var namespaces: Namespaces?
        public var kinds: [RouteGroupKind]?
    }

    /// `addresses[]`.
    public struct Address: Sendable, Codable, Hashable {
        public var type: String?
        public var value: String
    }

    /// `infrastructure`.
    public struct Infrastructure: Sendable, Codable, Hashable {
        public var labels: [String: String]?
        public var annotations: [String: String]?
        public var parametersRef: JSONValue?
    }
}

/// A reference to a Secret (or another certificate holder).
public struct SecretObjectReference: Sendable, Codable, Hashable {
    public var group: String?
    public var kind: String?
    public var name: String
    public var namespace: String?
}

/// The Gateway API's group and the versions accepted.
enum GatewayAPI {
    static let group = "gateway.networking.k8s.io"
    static let versions: Set<String> = ["v1"]
}
