/// A Kubernetes Namespace: its labels drive injection and discovery selectors.
public typealias Namespace = SpecObject<NamespaceSpec>

/// `Namespace.spec`.
public struct NamespaceSpec: ResourceSpec {
    public typealias Status = NamespaceStatus
    public static let groupKind = GroupKind(group: "", kind: "Namespace")
    public static let versions: Set<String> = ["v1"]
    public static let reportsUnknownFields = false

    public var finalizers: [String]?

    public init() {}
}

/// `Namespace.status`.
public struct NamespaceStatus: Sendable, Codable, Equatable {
    public var phase: String?
}
