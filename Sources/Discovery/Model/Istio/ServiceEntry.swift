/// Istio's ServiceEntry: a service the mesh knows of without Kubernetes (external
/// APIs, VMs, the local demo's workloads).
public typealias ServiceEntry = SpecObject<ServiceEntrySpec>

/// `ServiceEntry.spec`.
public struct ServiceEntrySpec: ResourceSpec {
    public static let groupKind = GroupKind(group: IstioAPI.networking, kind: "ServiceEntry")
    public static let versions = IstioAPI.networkingVersions

    /// `location`.
    public enum Location: String, Sendable, Codable, Hashable {
        case meshExternal = "MESH_EXTERNAL", meshInternal = "MESH_INTERNAL"
    }
    /// `resolution`.
    public enum Resolution: String, Sendable, Codable, Hashable {
        case none = "NONE", `static` = "STATIC", dns = "DNS", dnsRoundRobin = "DNS_ROUND_ROBIN"
        case dynamicDNS = "DYNAMIC_DNS"
    }

    public var hosts: [String]?
    public var addresses: [String]?
    public var ports: [ServicePort]?
    public var location: Location?
    public var resolution: Resolution?
    public var endpoints: [WorkloadEntrySpec]?
    public var workloadSelector: WorkloadSelector?
    public var exportTo: [String]?
    public var subjectAltNames: [String]?

    public init() {}

    /// `ports[]`.
    public struct ServicePort: Sendable, Codable, Hashable {
        public var number: Int?
        public var `protocol`: String?
        public var name: String?
        public var targetPort: Int?
    }
}
