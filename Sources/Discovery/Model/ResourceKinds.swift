/// The resources controld decodes, by group and kind: the one list to extend when a
/// kind is added.
public enum ResourceKinds {
    /// Every supported resource type.
    public static let all: [any Resource.Type] = [
        // Kubernetes
        Namespace.self, Service.self, EndpointSlice.self, Pod.self, Node.self, ConfigMap.self, Secret.self,
        // networking.istio.io
        VirtualService.self, DestinationRule.self, Gateway.self, ServiceEntry.self, WorkloadEntry.self,
        Sidecar.self,
        // security.istio.io
        PeerAuthentication.self, AuthorizationPolicy.self, RequestAuthentication.self,
        // gateway.networking.k8s.io
        KubernetesGateway.self, HTTPRoute.self,
    ]

    private static let byGroupKind: [GroupKind: any Resource.Type] = Dictionary(
        uniqueKeysWithValues: all.map { ($0.groupKind, $0) })

    /// The type for `groupKind`, or nil when controld does not use that kind.
    public static func type(for groupKind: GroupKind) -> (any Resource.Type)? {
        byGroupKind[groupKind]
    }

    /// Every supported group and kind.
    public static var groupKinds: Set<GroupKind> { Set(byGroupKind.keys) }
}
