/// A `discovery.k8s.io/v1` EndpointSlice: the addresses behind a Service (EDS).
public struct EndpointSlice: Resource {
    public static let groupKind = GroupKind(group: "discovery.k8s.io", kind: "EndpointSlice")
    public static let versions: Set<String> = ["v1"]
    public static let reportsUnknownFields = false

    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    /// `IPv4`, `IPv6` or `FQDN`.
    public var addressType: String
    public var endpoints: [Endpoint]?
    public var ports: [Port]?

    /// One endpoint (usually one Pod).
    public struct Endpoint: Sendable, Codable, Hashable {
        public var addresses: [String]
        public var conditions: Conditions?
        public var hostname: String?
        public var nodeName: String?
        public var zone: String?
        public var targetRef: ObjectReference?
        public var hints: JSONValue?
    }

    /// Readiness as the EndpointSlice controller reports it; nil means true.
    public struct Conditions: Sendable, Codable, Hashable {
        public var ready: Bool?
        public var serving: Bool?
        public var terminating: Bool?
    }

    /// A port every endpoint of the slice serves.
    public struct Port: Sendable, Codable, Hashable {
        public var name: String?
        public var `protocol`: String?
        public var port: Int?
        public var appProtocol: String?
    }

    /// The service the slice belongs to (label `kubernetes.io/service-name`).
    public var serviceName: String? { metadata.labels?["kubernetes.io/service-name"] }
}

/// A reference to another object (an endpoint's Pod).
public struct ObjectReference: Sendable, Codable, Hashable {
    public var apiVersion: String?
    public var kind: String?
    public var namespace: String?
    public var name: String?
    public var uid: String?
    public var resourceVersion: String?
}
