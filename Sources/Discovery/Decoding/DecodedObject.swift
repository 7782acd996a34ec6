/// A raw object decoded into its typed resource, with what the model did not know.
public struct DecodedObject: Sendable {
    /// The typed value.
    public var resource: any Resource
    /// JSON paths (`spec.http[0].newField`) of fields the model does not know:
    /// reported, never fatal, so a newer Istio's YAML still loads.
    public var unknownFields: [String]
}

/// Why a raw object could not become a typed resource.
public enum DecodeFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// controld does not use this group and kind.
    case unsupportedKind(GroupKind)
    /// A known kind under an API version controld does not accept.
    case unsupportedVersion(apiVersion: String, accepted: [String])
    /// The document does not fit the schema: a wrong type, a bad enum value, a
    /// malformed duration. `path` is where, `""` for the whole object.
    case schema(path: String, message: String)

    public var description: String {
        switch self {
        case .unsupportedKind(let groupKind): "kind \(groupKind) is not used by controld"
        case .unsupportedVersion(let apiVersion, let accepted):
            "apiVersion \(apiVersion) is not supported (accepted: \(accepted.joined(separator: ", ")))"
        case .schema(let path, let message): path.isEmpty ? message : "\(path): \(message)"
        }
    }
}
