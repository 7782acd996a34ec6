public import Discovery
import Foundation
public import Logging
import Synchronization
public import X509

/// The ``CARootStore`` of a cluster: rotation hands it the new root, which signs at
/// once, and it writes `istio-ca-secret` in the background (PUT with the
/// resourceVersion it last saw, retried with backoff), so a restart or another
/// replica loads the same root. Every change of the trust bundle is also published
/// on ``bundles`` for the ConfigMaps in every namespace.
///
/// When the PUT meets a conflict because another replica rotated first, the newer of
/// the two roots wins: ours is written again over an older one, or theirs is adopted.
public final class IstioCASecretSync: CARootStore {
    private struct State {
        /// The Secret as last read or written.
        var secret: IstioCASecret
        /// What it should hold; nil when written.
        var pending: SigningAuthority?
    }

    private let store: IstioCASecretStore
    private let state: Mutex<State>
    private let wake: AsyncStream<Void>.Continuation
    private let wakes: AsyncStream<Void>
    private let bundleContinuation: AsyncStream<String>.Continuation
    /// The trust bundle (PEM) after every change, newest only.
    public let bundles: AsyncStream<String>
    private let backoff: KubernetesBackoff
    private let logger: Logger

    /// Starts from `secret`, as ``IstioCASecretStore/loadOrCreate(keyType:trustDomain:rootLifetime:now:logger:)`` returned it.
    public init(
        store: IstioCASecretStore, secret: IstioCASecret, backoff: KubernetesBackoff = KubernetesBackoff(),
        logger: Logger
    ) {
        self.store = store
        self.state = Mutex(State(secret: secret, pending: nil))
        (wakes, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        (bundles, bundleContinuation) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingNewest(1))
        self.backoff = backoff
        self.logger = logger
    }

    public func persist(_ authority: SigningAuthority, includingKey: Bool) throws(CASetupError) {
        state.withLock { $0.pending = authority }
        publish(authority.trustBundle)
        wake.yield()
    }

    public func writeTrustBundle(_ roots: [Certificate]) throws(CASetupError) {
        let changed = state.withLock { state -> Bool in
            guard var next = try? state.pending ?? state.secret.authority(now: Date()) else { return false }
            next.trustBundle = roots
            state.pending = next
            return true
        }
        publish(roots)
        if changed { wake.yield() }
    }

    /// Whether everything handed over has been written (tests wait for it).
    public var isWritten: Bool { state.withLock { $0.pending == nil } }

    /// The Secret as last read or written.
    public var secret: IstioCASecret { state.withLock { $0.secret } }

    /// Writes pending changes until cancelled. `ca` is the authority a newer root
    /// written by another replica is adopted into.
    public func run(ca: LocalCertificateAuthority) async {
        var failures = 0
        for await _ in wakes {
            while let work = state.withLock({ state in state.pending.map { (pending: $0, current: state.secret) } }) {
                do {
                    try await write(work.pending, over: work.current, ca: ca)
                    failures = 0
                } catch {
                    let delay = backoff.delay(attempt: failures, random: Double.random(in: 0..<1))
                    failures += 1
                    logger.warning(
                        "cannot update the CA root in the cluster; retrying in \(delay)", metadata: ["error": "\(error)"])
                    do { try await Task.sleep(for: delay) } catch { return }
                }
            }
        }
    }

    private func write(_ pending: SigningAuthority, over current: IstioCASecret, ca: LocalCertificateAuthority) async throws {
        var next = try IstioCASecret(authority: pending, namespace: current.namespace)
        next.stored = current.stored
        switch try await store.replace(next) {
        case .stored(let written):
            state.withLock { state in
                state.secret = written
                // A rotation that came in meanwhile is still to be written.
                if state.pending.map({ Self.same($0, pending) }) ?? false { state.pending = nil }
            }
            logger.info("updated the CA root in \(written.reference)")
        case .conflict:
            guard let theirs = try await store.read() else {
                throw KubernetesCAError("\(current.reference) was deleted", isTransient: true)
            }
            let adopted = try theirs.authority(now: Date())
            if adopted.certificate.notValidAfter > pending.certificate.notValidAfter {
                // Another replica rotated to a later root: sign with it, keep trusting ours.
                var merged = adopted
                merged.trustBundle += pending.trustBundle.filter { !adopted.trustBundle.contains($0) }
                ca.replace(with: merged)
                state.withLock { state in
                    state.secret = theirs
                    state.pending = merged.trustBundle == adopted.trustBundle ? nil : merged
                }
                publish(merged.trustBundle)
                logger.notice("another replica rotated the CA root; using it", metadata: ["secret": "\(theirs.reference)"])
            } else {
                // Someone wrote an older or equal root: write ours over it at its new resourceVersion.
                state.withLock { $0.secret = theirs }
            }
        }
    }

    private func publish(_ roots: [Certificate]) {
        if let pem = try? CADirectory.pem(roots) { bundleContinuation.yield(pem) }
    }

    private static func same(_ a: SigningAuthority, _ b: SigningAuthority) -> Bool {
        a.certificate == b.certificate && a.trustBundle == b.trustBundle
    }
}
