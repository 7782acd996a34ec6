/// An immutable view of the whole store at one moment: what consumers build from.
public struct ConfigSnapshot: Sendable {
    /// Increases with every change the store accepts.
    public internal(set) var version: Int = 0
    /// Accepted objects (for rejected updates, the earlier accepted version).
    public internal(set) var objects: [ObjectKey: StoredObject] = [:]
    /// Objects refused, by key, with their reasons.
    public internal(set) var rejections: [ObjectKey: Rejection] = [:]
    /// Inputs that could not be read, by location.
    public internal(set) var unreadable: [SourceLocation: UnreadableInput] = [:]
    /// Objects of kinds controld does not use (a Deployment in a config directory), by key.
    public internal(set) var ignored: [ObjectKey: SourceLocation] = [:]

    public init() {}

    /// Every accepted object of type `R`, sorted by namespace and name.
    public func list<R: Resource>(_ type: R.Type) -> [R] {
        let groupKind = R.groupKind
        return objects.values
            .filter { $0.key.group == groupKind.group && $0.key.kind == groupKind.kind }
            .sorted { $0.key < $1.key }
            .compactMap { $0.resource as? R }
    }

    /// The accepted object of type `R` named `name` in `namespace` ("" when cluster-scoped).
    public func get<R: Resource>(_ type: R.Type, namespace: String, name: String) -> R? {
        let groupKind = R.groupKind
        let key = ObjectKey(group: groupKind.group, kind: groupKind.kind, namespace: namespace, name: name)
        return objects[key]?.resource as? R
    }
}

/// A change to the accepted objects.
public struct ConfigEvent: Sendable {
    /// What happened.
    public enum Kind: String, Sendable, Hashable {
        case add, update, delete
    }

    public var kind: Kind
    public var key: ObjectKey
    /// The accepted object before (nil for `add`).
    public var old: StoredObject?
    /// The accepted object after (nil for `delete`).
    public var new: StoredObject?
    /// The snapshot version that includes this change.
    public var version: Int
}
