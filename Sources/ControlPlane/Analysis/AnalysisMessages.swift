import Foundation

/// The finding types `controld analyze` reports. The `IST` ones carry the code, name
/// and level of Istio's (pkg/config/analysis/msg/messages.yaml), so scripts written
/// for `istioctl analyze` keep working.
extension AnalysisMessageType {
    /// A referenced host, gateway or port does not exist.
    public static let referencedResourceNotFound = Self(
        code: "IST0101", name: "ReferencedResourceNotFound", level: .error)
    /// An object is rejected by single-object validation.
    public static let schemaValidationError = Self(code: "IST0106", name: "SchemaValidationError", level: .error)
    /// Two VirtualServices bound to the mesh gateway define the same host.
    public static let conflictingMeshGatewayVirtualServiceHosts = Self(
        code: "IST0109", name: "ConflictingMeshGatewayVirtualServiceHosts", level: .error)
    /// Two Sidecars in a namespace select the same workload.
    public static let conflictingSidecarWorkloadSelectors = Self(
        code: "IST0110", name: "ConflictingSidecarWorkloadSelectors", level: .error)
    /// More than one Sidecar in a namespace has no workload selector.
    public static let multipleSidecarsWithoutWorkloadSelectors = Self(
        code: "IST0111", name: "MultipleSidecarsWithoutWorkloadSelectors", level: .error)
    /// A destination without a port routes to a host with several ports.
    public static let virtualServiceDestinationPortSelectorRequired = Self(
        code: "IST0112", name: "VirtualServiceDestinationPortSelectorRequired", level: .error)
    /// A VirtualService's hosts are not among its Gateway's server hosts.
    public static let virtualServiceHostNotFoundInGateway = Self(
        code: "IST0132", name: "VirtualServiceHostNotFoundInGateway", level: .warning)
    /// An object is accepted with a validation warning.
    public static let schemaWarning = Self(code: "IST0133", name: "SchemaWarning", level: .warning)
    /// Gateways with the same selector bind the same port for the same host.
    public static let conflictingGateways = Self(code: "IST0145", name: "ConflictingGateways", level: .error)
    /// A DestinationRule subset selects none of its host's workloads.
    public static let destinationRuleSubsetNotSelectPods = Self(
        code: "IST0173", name: "DestinationRuleSubsetNotSelectPods", level: .error)
    /// A DestinationRule's host is no service in the mesh.
    public static let unknownDestinationRuleHost = Self(
        code: "IST0174", name: "UnknownDestinationRuleHost", level: .warning)
    /// ServiceEntries give the same host and port different protocols.
    public static let conflictingServiceEntryProtocol = Self(
        code: "IST0177", name: "ConflictingServiceEntryProtocol", level: .warning)

    /// A file, or a document in it, that is not readable YAML/JSON or not a Kubernetes object.
    public static let unreadableInput = Self(code: "CTL0001", name: "UnreadableInput", level: .error)
    /// A field the resource's schema does not have (ignored; often a typo).
    public static let unknownField = Self(code: "CTL0002", name: "UnknownField", level: .warning)
    /// The same object (kind, namespace, name) is defined more than once; the first is used.
    public static let duplicateObject = Self(code: "CTL0003", name: "DuplicateObject", level: .warning)
}

/// `text` in double quotes, the way Istio's messages quote values.
func istioQuoted(_ text: String) -> String {
    "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
}
