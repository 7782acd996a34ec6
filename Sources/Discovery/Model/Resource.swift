/// A typed resource controld understands: decodable from what `kubectl apply`
/// accepts, identified by its group and kind, and able to check itself.
public protocol Resource: Codable, Sendable, Equatable {
    /// The group and kind every version of this resource shares.
    static var groupKind: GroupKind { get }
    /// The versions accepted (`v1`, `v1beta1`...); others are rejected.
    static var versions: Set<String> { get }
    /// Whether fields the model does not know are reported as warnings. Off for the
    /// Kubernetes kinds, whose models hold only what a mesh needs on purpose.
    static var reportsUnknownFields: Bool { get }

    var metadata: ObjectMeta { get }

    /// Appends the problems of this object alone (Istio's webhook checks) to `findings`.
    func validate(into findings: inout Findings)
}

extension Resource {
    public static var reportsUnknownFields: Bool { true }
}

/// The spec of a resource shaped `apiVersion, kind, metadata, spec, status`; its
/// static members describe the resource that wraps it in ``SpecObject``.
public protocol ResourceSpec: Codable, Sendable, Equatable {
    /// What the resource reports in `status`; free-form unless a model needs it.
    associatedtype Status: Codable, Sendable, Equatable = JSONValue

    static var groupKind: GroupKind { get }
    static var versions: Set<String> { get }
    static var reportsUnknownFields: Bool { get }

    /// An empty spec, for objects written without one.
    init()

    /// Appends this spec's problems; paths start at `spec`.
    func validate(metadata: ObjectMeta, into findings: inout Findings)
}

extension ResourceSpec {
    public static var reportsUnknownFields: Bool { true }
}

/// A resource made of metadata, a spec and a status: most Kubernetes and Istio kinds.
/// `VirtualService` is `SpecObject<VirtualServiceSpec>`, and so on.
public struct SpecObject<Spec: ResourceSpec>: Resource {
    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    public var spec: Spec
    public var status: Spec.Status?

    public static var groupKind: GroupKind { Spec.groupKind }
    public static var versions: Set<String> { Spec.versions }
    public static var reportsUnknownFields: Bool { Spec.reportsUnknownFields }

    public init(metadata: ObjectMeta, spec: Spec, status: Spec.Status? = nil) {
        self.apiVersion = nil
        self.kind = Spec.groupKind.kind
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }

    enum CodingKeys: String, CodingKey { case apiVersion, kind, metadata, spec, status }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        apiVersion = try container.decodeIfPresent(String.self, forKey: .apiVersion)
        kind = try container.decodeIfPresent(String.self, forKey: .kind)
        metadata = try container.decodeIfPresent(ObjectMeta.self, forKey: .metadata) ?? ObjectMeta()
        // `spec: {}` and no spec at all mean the same to the API server.
        spec = try container.decodeIfPresent(Spec.self, forKey: .spec) ?? Spec()
        status = try container.decodeIfPresent(Spec.Status.self, forKey: .status)
    }

    public func validate(into findings: inout Findings) {
        findings.validateMetadata(metadata, namespaced: !Self.groupKind.isClusterScoped)
        spec.validate(metadata: metadata, into: &findings)
    }
}

extension GroupKind {
    /// Kinds without a namespace among those controld reads.
    public var isClusterScoped: Bool {
        group.isEmpty && (kind == "Namespace" || kind == "Node")
    }
}
