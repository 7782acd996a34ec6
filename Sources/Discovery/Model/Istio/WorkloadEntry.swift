/// Istio's WorkloadEntry: one workload outside Kubernetes (a VM, a local process).
public typealias WorkloadEntry = SpecObject<WorkloadEntrySpec>

/// `WorkloadEntry.spec`; also the shape of a ServiceEntry's `endpoints[]`.
public struct WorkloadEntrySpec: ResourceSpec {
    public static let groupKind = GroupKind(group: IstioAPI.networking, kind: "WorkloadEntry")
    public static let versions = IstioAPI.networkingVersions

    public var address: String?
    /// Port name to port number.
    public var ports: [String: Int]?
    public var labels: [String: String]?
    public var network: String?
    public var locality: String?
    public var weight: Int?
    public var serviceAccount: String?

    public init() {}
}
