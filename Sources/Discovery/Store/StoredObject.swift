/// An accepted object in the store: the typed value and where it came from.
public struct StoredObject: Sendable {
    public var key: ObjectKey
    /// As written (`networking.istio.io/v1beta1`...).
    public var apiVersion: String
    /// Kubernetes' resourceVersion, or the directory source's file generation.
    public var resourceVersion: String?
    public var location: SourceLocation
    /// The name of the source that delivered it.
    public var source: String
    /// The typed value (`VirtualService`, `Service`...).
    public var resource: any Resource
    /// Unknown fields and validation warnings: reported, not fatal.
    public var warnings: [Finding]

    /// The resource as `type`, or nil when it is of another kind.
    public func `as`<R: Resource>(_ type: R.Type) -> R? {
        resource as? R
    }

    /// Whether `other` holds the same object content (ignoring versions and location).
    public func hasSameContent(as other: StoredObject) -> Bool {
        apiVersion == other.apiVersion && resource.isEqual(to: other.resource)
    }
}

/// An object the store refused, with the reasons. When an earlier version was
/// accepted, that one stays in force next to this record.
public struct Rejection: Sendable {
    public var key: ObjectKey
    public var apiVersion: String
    public var resourceVersion: String?
    public var location: SourceLocation
    public var source: String
    /// The errors (at least one), then any warnings.
    public var findings: [Finding]

    /// `Kind ns/name: path: message` for each finding.
    public var messages: [String] { findings.map { $0.describe(key) } }
}

/// A file or object a source could not read at all.
public struct UnreadableInput: Sendable, Hashable {
    public var location: SourceLocation
    public var source: String
    public var message: String
}

extension Resource {
    /// Equality across existentials: false when `other` is of another type.
    func isEqual(to other: any Resource) -> Bool {
        guard let other = other as? Self else { return false }
        return self == other
    }
}
