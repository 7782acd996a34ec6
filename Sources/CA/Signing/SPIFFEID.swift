/// A workload identity `spiffe://TRUST_DOMAIN/ns/NS/sa/SA`, the only SAN a workload
/// certificate may carry.
public struct SPIFFEID: Sendable, Hashable, CustomStringConvertible {
    /// The mesh's trust domain, `cluster.local` unless configured.
    public var trustDomain: String
    /// The Kubernetes namespace.
    public var namespace: String
    /// The Kubernetes service account.
    public var serviceAccount: String

    public init(trustDomain: String, namespace: String, serviceAccount: String) {
        self.trustDomain = trustDomain
        self.namespace = namespace
        self.serviceAccount = serviceAccount
    }

    /// Parses `spiffe://TD/ns/NS/sa/SA`; nil for any other shape.
    public init?(uri: String) {
        let prefix = "spiffe://"
        guard uri.hasPrefix(prefix) else { return nil }
        let parts = uri.dropFirst(prefix.count).split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 5, parts[1] == "ns", parts[3] == "sa",
            !parts[0].isEmpty, !parts[2].isEmpty, !parts[4].isEmpty
        else { return nil }
        self.init(trustDomain: String(parts[0]), namespace: String(parts[2]), serviceAccount: String(parts[4]))
    }

    /// The URI form, as written into the certificate's URI SAN.
    public var uri: String { "spiffe://\(trustDomain)/ns/\(namespace)/sa/\(serviceAccount)" }

    public var description: String { uri }
}
