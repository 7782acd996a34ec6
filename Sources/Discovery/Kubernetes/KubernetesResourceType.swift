/// One kind the Kubernetes source lists and watches: where it lives in the API
/// (group, version, plural resource name) and what kind its objects are.
public struct KubernetesResourceType: Sendable, Hashable, CustomStringConvertible {
    /// The API group, "" for the core group.
    public var group: String
    public var version: String
    /// The resource name in URLs, such as `virtualservices`.
    public var plural: String
    public var kind: String
    /// Narrows lists and watches to matching objects (`metadata.name=istio-ca-root-cert`);
    /// nil reads every object of the kind.
    public var fieldSelector: String? = nil

    public init(group: String, version: String, plural: String, kind: String) {
        self.group = group
        self.version = version
        self.plural = plural
        self.kind = kind
    }

    public var groupKind: GroupKind { GroupKind(group: group, kind: kind) }

    /// `v1` or `group/version`, as objects of this type carry it.
    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }

    /// The cluster-wide collection (every namespace): `/api/v1/services`,
    /// `/apis/networking.istio.io/v1/virtualservices`.
    public var collectionPath: String {
        group.isEmpty ? "/api/\(version)/\(plural)" : "/apis/\(group)/\(version)/\(plural)"
    }

    /// `plural.group/version`, the way kubectl names a resource.
    public var description: String { group.isEmpty ? "\(plural)/\(version)" : "\(plural).\(group)/\(version)" }
}

extension KubernetesResourceType {
    public static let namespaces = Self(group: "", version: "v1", plural: "namespaces", kind: "Namespace")
    public static let services = Self(group: "", version: "v1", plural: "services", kind: "Service")
    public static let pods = Self(group: "", version: "v1", plural: "pods", kind: "Pod")
    public static let nodes = Self(group: "", version: "v1", plural: "nodes", kind: "Node")
    public static let configMaps = Self(group: "", version: "v1", plural: "configmaps", kind: "ConfigMap")
    public static let secrets = Self(group: "", version: "v1", plural: "secrets", kind: "Secret")
    public static let endpointSlices = Self(
        group: "discovery.k8s.io", version: "v1", plural: "endpointslices", kind: "EndpointSlice")

    public static let virtualServices = istioNetworking("virtualservices", "VirtualService")
    public static let destinationRules = istioNetworking("destinationrules", "DestinationRule")
    public static let gateways = istioNetworking("gateways", "Gateway")
    public static let serviceEntries = istioNetworking("serviceentries", "ServiceEntry")
    public static let workloadEntries = istioNetworking("workloadentries", "WorkloadEntry")
    public static let sidecars = istioNetworking("sidecars", "Sidecar")

    public static let peerAuthentications = istioSecurity("peerauthentications", "PeerAuthentication")
    public static let authorizationPolicies = istioSecurity("authorizationpolicies", "AuthorizationPolicy")
    public static let requestAuthentications = istioSecurity("requestauthentications", "RequestAuthentication")

    public static let gatewayAPIGateways = Self(
        group: "gateway.networking.k8s.io", version: "v1", plural: "gateways", kind: "Gateway")
    public static let httpRoutes = Self(
        group: "gateway.networking.k8s.io", version: "v1", plural: "httproutes", kind: "HTTPRoute")

    /// Secrets that can hold certificates (a Gateway's or DestinationRule's
    /// `credentialName`): every type but service-account tokens and Helm releases,
    /// the selector istiod's credential controller uses, so the bulk of a cluster's
    /// Secrets is never read.
    public static let credentialSecrets = secrets.selecting(
        fields: "type!=helm.sh/release.v1,type!=kubernetes.io/service-account-token")

    /// What the mesh needs from a cluster.
    public static let defaultKinds: [KubernetesResourceType] = [
        .namespaces, .services, .pods, .nodes, .configMaps, .credentialSecrets, .endpointSlices,
        .virtualServices, .destinationRules, .gateways, .serviceEntries, .workloadEntries, .sidecars,
        .peerAuthentications, .authorizationPolicies, .requestAuthentications,
        .gatewayAPIGateways, .httpRoutes,
    ]

    private static func istioNetworking(_ plural: String, _ kind: String) -> Self {
        Self(group: "networking.istio.io", version: "v1", plural: plural, kind: kind)
    }

    private static func istioSecurity(_ plural: String, _ kind: String) -> Self {
        Self(group: "security.istio.io", version: "v1", plural: plural, kind: kind)
    }
}
