public import X509

/// Where a self-signed root is kept, so that rotation saves what it makes: the
/// directory in file mode (``CADirectory``), the Secret `istio-ca-secret` in a cluster.
///
/// Synchronous because rotation runs on the CA's timer between signatures; a store
/// that needs the network (the Secret) records the change and writes it in the
/// background.
public protocol CARootStore: Sendable {
    /// Saves a new authority (after a rotation): certificate, trust bundle and, when
    /// `includingKey`, the key.
    func persist(_ authority: SigningAuthority, includingKey: Bool) throws(CASetupError)
    /// Saves the roots workloads should trust (after expired ones were dropped).
    func writeTrustBundle(_ roots: [Certificate]) throws(CASetupError)
}

extension CADirectory: CARootStore {}
