/// Which resources of one type a client asked for.
public enum Subscription: Sendable, Hashable {
    /// Everything of the type that exists for this client.
    case wildcard
    /// Only these names.
    case names(Set<String>)

    /// Whether a resource of this name is wanted.
    public func contains(_ name: String) -> Bool {
        switch self {
        case .wildcard: true
        case .names(let names): names.contains(name)
        }
    }

    /// The names to ask a provider for: nil means all of them.
    public var requestedNames: Set<String>? {
        switch self {
        case .wildcard: nil
        case .names(let names): names
        }
    }
}

/// A NACK as the client reported it.
public struct RejectionRecord: Sendable, Hashable {
    public var nonce: String
    /// The client's error text (Envoy's validation message).
    public var message: String
    public var code: Int32
}
