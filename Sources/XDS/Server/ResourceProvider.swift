/// The seam between the xDS server and whatever decides configuration.
///
/// The server owns streams, subscriptions, versions and ACKs; a provider only answers
/// "what are the resources of this type for this proxy". The mesh's translator is
/// one provider; tests use small fixed ones.
public protocol ResourceProvider: Sendable {
    /// The type URLs served. Requests for other types are answered with nothing.
    var typeURLs: Set<TypeURL> { get }

    /// The resources of `typeURL` that `proxy` should have.
    ///
    /// - Parameter names: the names wanted, or nil for all of them. Names that do not
    ///   exist are simply left out.
    func resources(_ typeURL: TypeURL, for proxy: ProxyNode, names: Set<String>?) async throws -> [XDSResource]

    /// Whether `proxy`'s resources of `typeURL` can be served yet. Until they can,
    /// streams send nothing of that type (no empty set, no names reported absent)
    /// and wait for a push, the way Istio's agent holds SDS requests until the first
    /// certificate: Envoy ends a secret's warming on a delta removal and would start
    /// its listeners without one.
    func isReady(_ typeURL: TypeURL, for proxy: ProxyNode) -> Bool
}

extension ResourceProvider {
    /// Ready at once: what the provider lacks does not exist.
    public func isReady(_ typeURL: TypeURL, for proxy: ProxyNode) -> Bool { true }
}
