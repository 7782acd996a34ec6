public import XDS
import Synchronization

/// The agent's `ResourceProvider`: `default` and `ROOTCA` from the credentials held,
/// the same for whoever asks (the agent serves one workload's Envoy).
///
/// Before the first certificate arrives it is not ready (see ``isReady(_:for:)``):
/// streams stay silent and Envoy keeps its listeners warming until a push brings
/// the secrets.
public final class SecretProvider: ResourceProvider {
    private let secrets = Mutex<[String: XDSResource]>([:])

    public init() {}

    public var typeURLs: Set<TypeURL> { [.secret] }

    /// Replaces the secrets served. The caller pushes afterwards.
    public func update(_ credentials: WorkloadCredentials) throws {
        let certificate = try WorkloadSecrets.certificate(credentials)
        let root = try WorkloadSecrets.root(credentials)
        secrets.withLock { secrets in
            secrets = [certificate.name: certificate, root.name: root]
        }
    }

    /// Not before the first certificate: the secrets will exist, so they must not be
    /// reported absent meanwhile.
    public func isReady(_ typeURL: TypeURL, for proxy: ProxyNode) -> Bool {
        secrets.withLock { !$0.isEmpty }
    }

    public func resources(_ typeURL: TypeURL, for proxy: ProxyNode, names: Set<String>?) async throws -> [XDSResource] {
        guard typeURL == .secret else { return [] }
        let current = secrets.withLock { $0 }
        return current.values
            .filter { names?.contains($0.name) ?? true }
            .sorted { $0.name < $1.name }
    }
}
