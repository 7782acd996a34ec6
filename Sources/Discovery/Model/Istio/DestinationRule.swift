/// Istio's DestinationRule: policies for traffic to a host after routing, and its subsets.
public typealias DestinationRule = SpecObject<DestinationRuleSpec>

/// `DestinationRule.spec`.
public struct DestinationRuleSpec: ResourceSpec {
    public static let groupKind = GroupKind(group: IstioAPI.networking, kind: "DestinationRule")
    public static let versions = IstioAPI.networkingVersions

    public var host: String?
    public var trafficPolicy: TrafficPolicy?
    public var subsets: [Subset]?
    public var exportTo: [String]?
    public var workloadSelector: MatchLabelsSelector?

    public init() {}

    /// A named group of the host's endpoints, by label, with its own policy.
    public struct Subset: Sendable, Codable, Hashable {
        public var name: String
        public var labels: [String: String]?
        public var trafficPolicy: TrafficPolicy?
    }
}
