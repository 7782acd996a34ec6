/// A Kubernetes Node: its topology labels give workloads their locality.
public typealias Node = SpecObject<NodeSpec>

/// `Node.spec`.
public struct NodeSpec: ResourceSpec {
    public typealias Status = NodeStatus
    public static let groupKind = GroupKind(group: "", kind: "Node")
    public static let versions: Set<String> = ["v1"]
    public static let reportsUnknownFields = false

    public var podCIDR: String?
    public var podCIDRs: [String]?
    public var providerID: String?

    public init() {}
}

/// `Node.status`: its addresses.
public struct NodeStatus: Sendable, Codable, Equatable {
    /// A `status.addresses` entry (`InternalIP`, `ExternalIP`, `Hostname`).
    public struct Address: Sendable, Codable, Hashable {
        public var type: String
        public var address: String
    }
    public var addresses: [Address]?
}

extension SpecObject where Spec == NodeSpec {
    /// `topology.kubernetes.io/region`, the locality's region.
    public var region: String? { metadata.labels?["topology.kubernetes.io/region"] }
    /// `topology.kubernetes.io/zone`, the locality's zone.
    public var zone: String? { metadata.labels?["topology.kubernetes.io/zone"] }
}
