import Foundation
import MetricsTestKit
import Synchronization
import Testing

@testable import Discovery

private func entry(_ name: String, address: String = "127.0.0.1") -> String {
    """
    apiVersion: networking.istio.io/v1
    kind: WorkloadEntry
    metadata:
      name: \(name)
      namespace: demo
    spec:
      address: \(address)
    """
}

/// Every event a source reported, shared with the test body.
private final class SeenEvents: Sendable {
    private let events = Mutex<[SourceEvent]>([])
    func append(_ event: SourceEvent) { events.withLock { $0.append(event) } }
    func removeAll() { events.withLock { $0.removeAll() } }
    var all: [SourceEvent] { events.withLock { $0 } }
}

/// Runs `source` into a fresh store while `body` runs; records every source event.
private func withRunningSource(
    _ source: DirectorySource,
    _ body: @Sendable (ConfigStore, SeenEvents) async throws -> Void
) async throws {
    let store = ConfigStore(metricsFactory: TestMetrics())
    let seen = SeenEvents()
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask {
            try await source.run { event in
                seen.append(event)
                store.ingest(event, from: source.name)
            }
        }
        try await body(store, seen)
        group.cancelAll()
        try? await group.waitForAll()
    }
}

private func names(_ store: ConfigStore) -> [String] {
    store.snapshot.objects.keys.sorted().map(\.name)
}

private func address(_ store: ConfigStore, _ name: String) -> String? {
    store.snapshot.get(WorkloadEntry.self, namespace: "demo", name: name)?.spec.address
}

@Suite("Directory source")
struct DirectorySourceTests {
    @Test("reads multi-document YAML, JSON and subfolders, with file:line:column", arguments: [true, false])
    func initialLoad(inotify: Bool) throws {
        let directory = try ScratchDirectory()
        let multi = try directory.write("all.yaml", entry("a") + "\n---\n# a comment only\n---\n" + entry("b") + "\n---\n")
        try directory.write(
            "nested/deeper/c.json",
            #"{"apiVersion": "networking.istio.io/v1", "kind": "WorkloadEntry", "metadata": {"name": "c", "namespace": "demo"}, "spec": {"address": "127.0.0.3"}}"#)
        try directory.write("README.md", "kind: NotConfig\n")
        try directory.write(".hidden/x.yaml", entry("hidden"))

        let events = DirectorySource(root: directory.path, useInotify: inotify).load()
        guard case .replaceAll(_, let objects) = try #require(events.first) else {
            Issue.record("first event is not replaceAll")
            return
        }
        #expect(objects.map(\.key.name) == ["a", "b", "c"])
        #expect(objects[1].location == .file(path: multi, line: 11, column: 1))
        #expect(events.count == 1)
    }

    @Test("a document that is not an object is reported at its line; the rest is used")
    func notAnObject() throws {
        let directory = try ScratchDirectory()
        let file = try directory.write("mixed.yaml", entry("a") + "\n---\nkind: Service\nspec: {}\n")
        let events = DirectorySource(root: directory.path).load()
        #expect(events.count == 2)
        guard case .unreadable(let location, let message) = events[1] else {
            Issue.record("expected unreadable")
            return
        }
        #expect(location == .file(path: file, line: 9, column: 1))
        #expect(message == "not a Kubernetes object (needs apiVersion, kind and metadata.name)")
    }

    @Test("edit, new file, delete and rename produce exactly the right events", arguments: [true, false])
    func watchChanges(inotify: Bool) async throws {
        let directory = try ScratchDirectory()
        try directory.write("a.yaml", entry("a"))
        let source = DirectorySource(root: directory.path, pollInterval: .milliseconds(50), useInotify: inotify)
        try await withRunningSource(source) { store, seen in
            #expect(try await waitUntil { names(store) == ["a"] })

            try directory.write("a.yaml", entry("a", address: "127.0.0.9"))
            #expect(try await waitUntil { address(store, "a") == "127.0.0.9" })

            try directory.write("b.yaml", entry("b"))
            #expect(try await waitUntil { names(store) == ["a", "b"] })

            try directory.remove("a.yaml")
            #expect(try await waitUntil { names(store) == ["b"] })

            seen.removeAll()
            try directory.move("b.yaml", "renamed.yaml")
            #expect(try await waitUntil { store.snapshot.objects.values.first?.location.description.hasSuffix("renamed.yaml:1:1") == true })
            // A rename is one upsert at the new place, never a delete.
            let afterRename = seen.all
            #expect(afterRename.count == 1)
            if case .upsert(let object)? = afterRename.first { #expect(object.key.name == "b") } else { Issue.record("\(afterRename)") }
            #expect(names(store) == ["b"])
        }
    }

    @Test("a syntax error mid-edit is reported and keeps the file's previous objects", arguments: [true, false])
    func syntaxErrorKeepsPrevious(inotify: Bool) async throws {
        let directory = try ScratchDirectory()
        let file = try directory.write("a.yaml", entry("a"))
        let source = DirectorySource(root: directory.path, pollInterval: .milliseconds(50), useInotify: inotify)
        try await withRunningSource(source) { store, _ in
            #expect(try await waitUntil { names(store) == ["a"] })
            try directory.write("a.yaml", "apiVersion: networking.istio.io/v1\nkind: WorkloadEntry\nmetadata:\n  name: a: b\n")
            #expect(try await waitUntil { !store.snapshot.unreadable.isEmpty })
            let unreadable = try #require(store.snapshot.unreadable.values.first)
            #expect(unreadable.location == .file(path: file, line: 4, column: 10))
            #expect(unreadable.message.contains("mapping values are not allowed"))
            #expect(address(store, "a") == "127.0.0.1")

            try directory.write("a.yaml", entry("a", address: "127.0.0.5"))
            #expect(try await waitUntil { address(store, "a") == "127.0.0.5" && store.snapshot.unreadable.isEmpty })
        }
    }

    @Test("files in a new subfolder are picked up", arguments: [true, false])
    func newSubdirectory(inotify: Bool) async throws {
        let directory = try ScratchDirectory()
        let source = DirectorySource(root: directory.path, pollInterval: .milliseconds(50), useInotify: inotify)
        try await withRunningSource(source) { store, seen in
            #expect(try await waitUntil { !seen.all.isEmpty })
            try directory.write("team/one/x.yaml", entry("x"))
            #expect(try await waitUntil { names(store) == ["x"] })
            // The new folder is watched too: a later file in it arrives as well.
            try directory.write("team/one/y.yaml", entry("y"))
            #expect(try await waitUntil { names(store) == ["x", "y"] })
        }
    }

    @Test("a thousand files load and a change among them arrives, in bounded time")
    func thousandFiles() async throws {
        let directory = try ScratchDirectory()
        for index in 0..<1000 {
            try directory.write("group-\(index % 10)/entry-\(index).yaml", entry("entry-\(index)", address: "127.0.\(index / 250).\(index % 250 + 1)"))
        }
        let start = ContinuousClock.now
        let source = DirectorySource(root: directory.path, pollInterval: .milliseconds(100))
        try await withRunningSource(source) { store, _ in
            #expect(try await waitUntil(timeout: .seconds(60)) { store.snapshot.objects.count == 1000 })
            #expect(store.snapshot.rejections.isEmpty)
            try directory.write("group-3/entry-503.yaml", entry("entry-503", address: "10.0.0.1"))
            try directory.remove("group-4/entry-504.yaml")
            #expect(try await waitUntil(timeout: .seconds(30)) {
                address(store, "entry-503") == "10.0.0.1" && store.snapshot.objects.count == 999
            })
        }
        #expect(ContinuousClock.now - start < .seconds(60))
    }
}
