import Foundation

/// Watches a folder of YAML and JSON files (recursively, multi-document) and reports
/// its Kubernetes objects as ``SourceEvent``s: a `replaceAll` first, then an
/// upsert or delete per object that changed.
///
/// Changes are noticed through inotify on Linux (every folder, new ones included),
/// read without blocking; elsewhere, or when inotify fails, by scanning every 500 ms.
/// A file that does not parse (often one being written) is reported with
/// file:line:column and its previous objects stay in force. Run one per folder.
public struct DirectorySource: Sendable {
    /// The folder watched.
    public let root: String
    /// How often to scan when inotify is not used.
    public let pollInterval: Duration
    /// Whether to try inotify before polling.
    public let useInotify: Bool

    /// A source for `root`; `useInotify: false` forces polling (tests cover both).
    public init(root: String, pollInterval: Duration = .milliseconds(500), useInotify: Bool = true) {
        var root = root
        while root.count > 1, root.hasSuffix("/") { root.removeLast() }
        self.root = root
        self.pollInterval = pollInterval
        self.useInotify = useInotify
    }

    /// The name the store and readiness know this source by.
    public var name: String { Self.name(root: root) }

    /// `config-dir ROOT`.
    public static func name(root: String) -> String { "config-dir \(root)" }

    /// The folder's current contents as events, once, without watching: a
    /// `replaceAll` followed by whatever could not be read.
    public func load() -> [SourceEvent] {
        var state = DirectoryState()
        return state.initial(tree: DirectoryTree.scan(root: root), read: Self.read)
    }

    /// Reports the folder's contents, then its changes, to `emit` until cancelled.
    public func run(_ emit: (SourceEvent) async -> Void) async throws {
        var state = DirectoryState()
        var tree = DirectoryTree.scan(root: root)
        #if canImport(Glibc)
            let watcher = useInotify ? InotifyWatcher() : nil
            watcher?.watch(tree.directories)
        #endif
        for event in state.initial(tree: tree, read: Self.read) { await emit(event) }
        while !Task.isCancelled {
            #if canImport(Glibc)
                if let watcher {
                    try await Self.waitForEvents(watcher)
                } else {
                    try await Task.sleep(for: pollInterval)
                }
            #else
                try await Task.sleep(for: pollInterval)
            #endif
            let next = DirectoryTree.scan(root: root)
            #if canImport(Glibc)
                watcher?.watch(next.directories)
            #endif
            // Polling finds nothing to do most of the time: skip unchanged trees.
            if next == tree { continue }
            tree = next
            for event in state.refresh(tree: tree, read: Self.read) { await emit(event) }
        }
    }

    #if canImport(Glibc)
        /// Returns once the watcher has seen something, after letting a burst of
        /// writes settle. Sleeps between non-blocking reads instead of blocking a thread.
        private static func waitForEvents(_ watcher: InotifyWatcher) async throws {
            while !watcher.drain() {
                try await Task.sleep(for: .milliseconds(20))
            }
            try await Task.sleep(for: .milliseconds(30))
            _ = watcher.drain()
        }
    #endif

    private static func read(_ path: String) -> Data? {
        FileManager.default.contents(atPath: path)
    }
}
