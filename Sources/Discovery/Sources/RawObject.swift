import Foundation

/// An object as a source read it, before decoding into a typed resource: what every
/// source (directory, Kubernetes) emits and the ConfigStore ingests.
public struct RawObject: Sendable, Hashable {
    public var key: ObjectKey
    /// `group/version` (or `v1` for the core group), as written.
    public var apiVersion: String
    /// Kubernetes' resourceVersion; for files, a generation the directory source keeps.
    public var resourceVersion: String?
    /// The whole object as JSON (YAML is converted on reading).
    public var json: Data
    /// Where it came from, for every message about it.
    public var location: SourceLocation

    public init(key: ObjectKey, apiVersion: String, resourceVersion: String?, json: Data, location: SourceLocation) {
        self.key = key
        self.apiVersion = apiVersion
        self.resourceVersion = resourceVersion
        self.json = json
        self.location = location
    }
}

/// Identifies an object across versions and sources: (group, kind, namespace, name).
/// The version is not part of it: `networking.istio.io/v1` and `v1beta1` name the same object.
public struct ObjectKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The API group, "" for Kubernetes' core group.
    public var group: String
    public var kind: String
    /// "" for cluster-scoped kinds.
    public var namespace: String
    public var name: String

    public init(group: String, kind: String, namespace: String, name: String) {
        self.group = group
        self.kind = kind
        self.namespace = namespace
        self.name = name
    }

    public static func < (lhs: ObjectKey, rhs: ObjectKey) -> Bool {
        (lhs.group, lhs.kind, lhs.namespace, lhs.name) < (rhs.group, rhs.kind, rhs.namespace, rhs.name)
    }

    /// `Kind ns/name` (or `Kind name` when cluster-scoped), the way messages name objects.
    public var description: String {
        namespace.isEmpty ? "\(kind) \(name)" : "\(kind) \(namespace)/\(name)"
    }
}

/// Where an object was read.
public enum SourceLocation: Sendable, Hashable, CustomStringConvertible {
    /// A file, with the position of the object's document (1-based).
    case file(path: String, line: Int, column: Int)
    /// A Kubernetes API server, by its URL.
    case kubernetes(server: String)

    public var description: String {
        switch self {
        case .file(let path, let line, let column): "\(path):\(line):\(column)"
        case .kubernetes(let server): server
        }
    }
}

/// What a source reports, in order. A source first delivers `.replaceAll` with its
/// complete initial state (or, after a re-list, its complete current state: the store
/// works out the differences), then individual changes.
public enum SourceEvent: Sendable {
    /// Everything this source holds for `kinds` now; objects of those kinds it held
    /// before and that are missing here are gone.
    case replaceAll(kinds: Set<GroupKind>, objects: [RawObject])
    case upsert(RawObject)
    case delete(ObjectKey, location: SourceLocation)
    /// A file or object that could not be read at all: reported, nothing else changes.
    case unreadable(location: SourceLocation, message: String)
}

/// A group and kind, such as `networking.istio.io` / `VirtualService`.
public struct GroupKind: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var group: String
    public var kind: String

    public init(group: String, kind: String) {
        self.group = group
        self.kind = kind
    }

    public static func < (lhs: GroupKind, rhs: GroupKind) -> Bool {
        (lhs.group, lhs.kind) < (rhs.group, rhs.kind)
    }

    public var description: String { group.isEmpty ? kind : "\(kind).\(group)" }
}
