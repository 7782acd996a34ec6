public import Foundation
public import X509
import Synchronization

/// The signing core the RPC layer talks to (Istio's `ca.go` behind `server.go`):
/// what it signs with, and signing.
///
/// Callers have authenticated and authorized the request already; the core only
/// issues. Keeping it this small lets tests and the benchmark drive it directly,
/// and lets a Kubernetes-Secret-backed CA sit behind the same seam.
public protocol CertificateAuthority: Sendable {
    /// The authority in force now (after any rotation).
    var current: SigningAuthority { get }

    /// A leaf for `publicKey` naming `names`, valid for `lifetime` (capped by the
    /// chain's expiry), followed by the chain up to the root.
    func sign(publicKey: Certificate.PublicKey, names: [GeneralName], lifetime: Duration) throws -> [Certificate]
}

extension CertificateAuthority {
    /// The roots workloads should trust, as PEM (`root-cert.pem`, SDS `ROOTCA`).
    public var trustBundlePEM: String {
        (try? CADirectory.pem(current.trustBundle)) ?? ""
    }
}

/// A ``CertificateAuthority`` holding its authority in memory, replaced whole on
/// rotation: file mode's CA, and the one tests build from a fresh root.
public final class LocalCertificateAuthority: CertificateAuthority {
    private let state: Mutex<SigningAuthority>
    private let clock: @Sendable () -> Date

    /// - Parameter clock: the time signatures are dated with; tests pass a fixed one.
    public init(_ authority: SigningAuthority, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.state = Mutex(authority)
        self.clock = clock
    }

    public var current: SigningAuthority {
        state.withLock { $0 }
    }

    /// The time this CA dates certificates with.
    public var now: Date { clock() }

    /// Replaces the authority (after a root rotation); later signatures use it.
    public func replace(with authority: SigningAuthority) {
        state.withLock { $0 = authority }
    }

    public func sign(publicKey: Certificate.PublicKey, names: [GeneralName], lifetime: Duration) throws -> [Certificate] {
        let authority = current
        let leaf = try LeafIssuer.issue(
            publicKey: publicKey, names: names, lifetime: lifetime, authority: authority, now: clock())
        return [leaf] + authority.chainAfterLeaf
    }
}
