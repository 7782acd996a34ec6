/// Istio's Gateway: the ports, hosts and TLS a set of gateway proxies serves.
public typealias Gateway = SpecObject<GatewaySpec>

/// `Gateway.spec`.
public struct GatewaySpec: ResourceSpec {
    public static let groupKind = GroupKind(group: IstioAPI.networking, kind: "Gateway")
    public static let versions = IstioAPI.networkingVersions

    public var servers: [Server]?
    /// Labels of the gateway proxies this applies to.
    public var selector: [String: String]?

    public init() {}

    /// One server: a port, the hosts it serves, and TLS.
    public struct Server: Sendable, Codable, Hashable {
        public var port: IstioPort?
        public var bind: String?
        public var hosts: [String]?
        public var tls: ServerTLSSettings?
        public var defaultEndpoint: String?
        public var name: String?
    }
}
