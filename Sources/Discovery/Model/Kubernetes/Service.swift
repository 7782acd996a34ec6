/// A Kubernetes Service: the mesh's hosts (`NAME.NS.svc.DOMAIN`) and their ports.
public typealias Service = SpecObject<ServiceSpec>

/// `Service.spec`, the fields a mesh uses.
public struct ServiceSpec: ResourceSpec {
    public typealias Status = ServiceStatus
    public static let groupKind = GroupKind(group: "", kind: "Service")
    public static let versions: Set<String> = ["v1"]
    public static let reportsUnknownFields = false

    /// `ClusterIP`, `NodePort`, `LoadBalancer` or `ExternalName`.
    public var type: String?
    public var clusterIP: String?
    public var clusterIPs: [String]?
    public var ports: [ServicePort]?
    public var selector: [String: String]?
    public var externalName: String?
    public var externalIPs: [String]?
    public var loadBalancerIP: String?
    public var ipFamilies: [String]?
    public var ipFamilyPolicy: String?
    public var internalTrafficPolicy: String?
    public var externalTrafficPolicy: String?
    public var publishNotReadyAddresses: Bool?
    public var sessionAffinity: String?
    public var trafficDistribution: String?

    public init() {}
}

/// One port of a Service.
public struct ServicePort: Sendable, Codable, Hashable {
    public var name: String?
    /// `TCP` (default), `UDP` or `SCTP`.
    public var `protocol`: String?
    /// Overrides protocol sniffing (`http`, `kubernetes.io/h2c`...), as Istio reads it.
    public var appProtocol: String?
    public var port: Int
    public var targetPort: IntOrString?
    public var nodePort: Int?
}

/// `Service.status`: load balancer addresses, for gateways' external addresses.
public struct ServiceStatus: Sendable, Codable, Equatable {
    /// `status.loadBalancer`.
    public struct LoadBalancer: Sendable, Codable, Equatable {
        public var ingress: [Ingress]?
    }
    /// One load balancer address.
    public struct Ingress: Sendable, Codable, Equatable {
        public var ip: String?
        public var hostname: String?
    }
    public var loadBalancer: LoadBalancer?
}
