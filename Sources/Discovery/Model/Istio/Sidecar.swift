/// Istio's Sidecar: what a proxy listens on and which hosts it can reach.
public typealias Sidecar = SpecObject<SidecarSpec>

/// `Sidecar.spec`.
public struct SidecarSpec: ResourceSpec {
    public static let groupKind = GroupKind(group: IstioAPI.networking, kind: "Sidecar")
    public static let versions = IstioAPI.networkingVersions

    /// `captureMode`: how traffic reaches a listener.
    public enum CaptureMode: String, Sendable, Codable, Hashable {
        case `default` = "DEFAULT", iptables = "IPTABLES", none = "NONE"
    }

    public var workloadSelector: WorkloadSelector?
    public var ingress: [IngressListener]?
    public var egress: [EgressListener]?
    public var inboundConnectionPool: ConnectionPoolSettings?
    public var outboundTrafficPolicy: OutboundTrafficPolicy?

    public init() {}

    /// `ingress[]`: a port the workload serves, and where to forward it.
    public struct IngressListener: Sendable, Codable, Hashable {
        public var port: IstioPort?
        public var bind: String?
        public var captureMode: CaptureMode?
        public var defaultEndpoint: String?
        public var tls: ServerTLSSettings?
        public var connectionPool: ConnectionPoolSettings?
    }

    /// `egress[]`: the hosts reachable, on one port or all.
    public struct EgressListener: Sendable, Codable, Hashable {
        public var port: IstioPort?
        public var bind: String?
        public var captureMode: CaptureMode?
        public var hosts: [String]?
    }

    /// `outboundTrafficPolicy`.
    public struct OutboundTrafficPolicy: Sendable, Codable, Hashable {
        /// `mode`.
        public enum Mode: String, Sendable, Codable, Hashable {
            case registryOnly = "REGISTRY_ONLY", allowAny = "ALLOW_ANY"
        }
        public var mode: Mode?
        public var egressProxy: Destination?
    }
}
