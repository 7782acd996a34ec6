import Discovery

/// A service as the mesh sees it, whatever declared it (a Kubernetes Service or a
/// ServiceEntry host): one hostname, its ports, how its endpoints are found.
public struct MeshService: Sendable, Hashable {
    /// The label Istio puts on workloads whose sidecar takes Istio mTLS.
    public static let tlsModeLabel = "security.istio.io/tlsMode"

    /// How a proxy finds the service's endpoints.
    public enum Resolution: Sendable, Hashable {
        /// Endpoints pushed over EDS.
        case endpoints
        /// Resolved by the proxy's DNS (STRICT_DNS: every address is an endpoint).
        case dns
        /// Resolved by DNS, one address at a time (LOGICAL_DNS).
        case dnsRoundRobin
        /// Connect to the address the caller dialled (ORIGINAL_DST).
        case passthrough
    }

    public var hostname: String
    public var namespace: String
    public var ports: [MeshPort]
    public var resolution: Resolution
    /// Part of the mesh (Kubernetes services, MESH_INTERNAL entries).
    public var meshInternal: Bool
    /// Namespaces that may see it: `*` all, or names (`.` already resolved).
    public var exportTo: Set<String>
    /// Workload labels that select its endpoints (Service selector, ServiceEntry
    /// workloadSelector); nil when endpoints come from elsewhere.
    public var selector: [String: String]?
    /// Identities its workloads run as, checked in mTLS (ServiceEntry subjectAltNames).
    public var subjectAltNames: [String]
    /// What declared it (`ServiceEntry default/reviews`), for debug output.
    public var origin: String

    public init(
        hostname: String, namespace: String, ports: [MeshPort], resolution: Resolution = .endpoints,
        meshInternal: Bool = true, exportTo: Set<String> = ["*"], selector: [String: String]? = nil,
        subjectAltNames: [String] = [], origin: String = ""
    ) {
        self.hostname = hostname
        self.namespace = namespace
        self.ports = ports
        self.resolution = resolution
        self.meshInternal = meshInternal
        self.exportTo = exportTo
        self.selector = selector
        self.subjectAltNames = subjectAltNames
        self.origin = origin
    }

    /// The port numbered `number`, if the service has it.
    public func port(_ number: Int) -> MeshPort? {
        ports.first { $0.number == number }
    }

    /// Whether a proxy in `namespace` may see it.
    public func isVisible(from namespace: String) -> Bool {
        exportTo.contains("*") || exportTo.contains(namespace)
    }
}

/// One port of a ``MeshService``.
public struct MeshPort: Sendable, Hashable {
    public var name: String
    public var number: Int
    public var portProtocol: PortProtocol
    /// The workload port when it differs (Kubernetes targetPort, ServiceEntry targetPort).
    public var targetPort: Int?
    /// A named Kubernetes targetPort, looked up in each endpoint's ports.
    public var targetPortName: String?

    public init(name: String, number: Int, portProtocol: PortProtocol, targetPort: Int? = nil, targetPortName: String? = nil) {
        self.name = name
        self.number = number
        self.portProtocol = portProtocol
        self.targetPort = targetPort
        self.targetPortName = targetPortName
    }
}

/// One workload instance behind a service: the address and port traffic goes to.
public struct MeshEndpoint: Sendable, Hashable {
    public var address: String
    /// Service port number → the workload's port.
    public var ports: [Int: Int]
    public var labels: [String: String]
    /// `region/zone/subzone`.
    public var locality: String?
    public var weight: Int?
    public var serviceAccount: String?
    /// Ready to take traffic; serving-but-terminating endpoints are kept unhealthy-but-draining.
    public var health: Health
    /// What declared it (`WorkloadEntry default/reviews-v1`), for debug output.
    public var origin: String

    /// Envoy's view of the endpoint's readiness.
    public enum Health: Sendable, Hashable {
        case healthy, draining, unhealthy
    }

    public init(
        address: String, ports: [Int: Int], labels: [String: String] = [:], locality: String? = nil,
        weight: Int? = nil, serviceAccount: String? = nil, health: Health = .healthy, origin: String = ""
    ) {
        self.address = address
        self.ports = ports
        self.labels = labels
        self.locality = locality
        self.weight = weight
        self.serviceAccount = serviceAccount
        self.health = health
        self.origin = origin
    }

    /// Carries Istio's mTLS label: auto-mTLS sends it Istio mTLS.
    public var acceptsIstioMutualTLS: Bool {
        labels[MeshService.tlsModeLabel] == "istio"
    }
}

extension Dictionary where Key == String, Value == String {
    /// Whether every label of `selector` is present here with the same value.
    public func matches(_ selector: [String: String]) -> Bool {
        selector.allSatisfy { self[$0.key] == $0.value }
    }
}
