public import Foundation
import X509

/// Applies ``RootRotationPolicy`` to a self-signed CA kept in a ``CARootStore`` (a
/// ``CADirectory``, or the Secret in a cluster): a new root with the same key,
/// persisted, and a trust bundle holding old and new roots until the old one expires.
public struct RootRotator: Sendable {
    /// When to rotate.
    public var policy: RootRotationPolicy
    /// Where the root lives.
    public var store: any CARootStore
    /// The new root's subject organization.
    public var trustDomain: String
    /// The new root's lifetime.
    public var rootLifetime: Duration

    public init(policy: RootRotationPolicy, store: any CARootStore, trustDomain: String, rootLifetime: Duration) {
        self.policy = policy
        self.store = store
        self.trustDomain = trustDomain
        self.rootLifetime = rootLifetime
    }

    /// A rotator for the root in `directory` (file mode).
    public init(policy: RootRotationPolicy, directory: CADirectory, trustDomain: String, rootLifetime: Duration) {
        self.init(policy: policy, store: directory, trustDomain: trustDomain, rootLifetime: rootLifetime)
    }

    /// The authority after `authority` is rotated at `now`: the new root first in
    /// the bundle (new leaves chain to it), earlier roots kept while still valid.
    public static func rotated(
        _ authority: SigningAuthority, trustDomain: String, rootLifetime: Duration, now: Date
    ) throws -> SigningAuthority {
        let root = try RootCertificate.make(
            key: authority.privateKey, trustDomain: trustDomain, now: now, lifetime: rootLifetime)
        let kept = authority.trustBundle.filter { $0.notValidAfter > now && $0 != root }
        return SigningAuthority(certificate: root, privateKey: authority.privateKey, root: root, trustBundle: [root] + kept)
    }

    /// Checks `ca` at `now` and rotates it when due; returns whether it did.
    ///
    /// A plugged-in CA is never rotated here: its owner issues the next one. Expired
    /// previous roots are dropped from the bundle on every check.
    @discardableResult
    public func check(_ ca: LocalCertificateAuthority, now: Date) throws -> Bool {
        let authority = ca.current
        guard authority.isSelfSigned else { return false }
        switch policy.decide(now: now, notBefore: authority.root.notValidBefore, notAfter: authority.root.notValidAfter) {
        case .keep:
            let live = authority.trustBundle.filter { $0.notValidAfter > now }
            if live.count != authority.trustBundle.count {
                var pruned = authority
                pruned.trustBundle = live
                try store.writeTrustBundle(live)
                ca.replace(with: pruned)
            }
            return false
        case .rotate:
            let next = try Self.rotated(authority, trustDomain: trustDomain, rootLifetime: rootLifetime, now: now)
            try store.persist(next, includingKey: false)
            ca.replace(with: next)
            return true
        }
    }
}
