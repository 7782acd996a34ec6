/// A Kubernetes Pod: a workload's labels, service account, IP and ports.
public typealias Pod = SpecObject<PodSpec>

/// `Pod.spec`, the fields a mesh uses.
public struct PodSpec: ResourceSpec {
    public typealias Status = PodStatus
    public static let groupKind = GroupKind(group: "", kind: "Pod")
    public static let versions: Set<String> = ["v1"]
    public static let reportsUnknownFields = false

    public var nodeName: String?
    public var serviceAccountName: String?
    public var hostNetwork: Bool?
    public var hostname: String?
    public var subdomain: String?
    public var containers: [Container]?
    public var initContainers: [Container]?

    public init() {}

    /// Init containers with `restartPolicy: Always`: Kubernetes' native sidecars,
    /// which run alongside the app the way an injected istio-proxy does.
    public var nativeSidecars: [Container] {
        (initContainers ?? []).filter { $0.restartPolicy == "Always" }
    }
}

/// A container of a Pod.
public struct Container: Sendable, Codable, Hashable {
    public var name: String
    public var image: String?
    public var ports: [ContainerPort]?
    /// Only `Always`, and only on init containers (native sidecars).
    public var restartPolicy: String?
}

/// A port a container declares.
public struct ContainerPort: Sendable, Codable, Hashable {
    public var name: String?
    public var containerPort: Int
    public var `protocol`: String?
    public var hostPort: Int?
    public var hostIP: String?
}

/// `Pod.status`: where the Pod is and whether it is ready.
public struct PodStatus: Sendable, Codable, Equatable {
    /// A `status.podIPs` entry.
    public struct PodIP: Sendable, Codable, Hashable {
        public var ip: String
    }
    /// A `status.conditions` entry (`Ready`, ...).
    public struct Condition: Sendable, Codable, Hashable {
        public var type: String
        public var status: String
        public var reason: String?
        public var lastTransitionTime: String?
    }
    public var phase: String?
    public var podIP: String?
    public var podIPs: [PodIP]?
    public var hostIP: String?
    public var conditions: [Condition]?

    /// Whether the `Ready` condition is `True`.
    public var isReady: Bool {
        conditions?.contains { $0.type == "Ready" && $0.status == "True" } ?? false
    }
}
