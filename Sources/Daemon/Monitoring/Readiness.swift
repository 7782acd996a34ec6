import Synchronization

/// Tracks whether every configuration source has finished its first sync.
///
/// `/ready` answers 200 only when nothing is pending, the way istiod reports ready
/// once its informers have synced, so a rollout waits until controld knows the
/// whole mesh instead of pushing a partial view.
public final class Readiness: Sendable {
    private let pending: Mutex<Set<String>>

    /// Starts with `sources` pending; with none, it is ready at once.
    public init(pendingSources sources: some Sequence<String>) {
        pending = Mutex(Set(sources))
    }

    /// Records that `source` completed its first sync.
    public func markSynced(_ source: String) {
        _ = pending.withLock { $0.remove(source) }
    }

    /// Sources still waiting for their first sync, sorted.
    public var pendingSources: [String] {
        pending.withLock { $0.sorted() }
    }

    /// True once every source has synced.
    public var isReady: Bool {
        pending.withLock { $0.isEmpty }
    }

    /// Returns once every source has synced, or when the task is cancelled.
    public func waitUntilSynced() async {
        while !isReady && !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(50))
        }
    }
}
