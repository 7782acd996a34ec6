import Foundation
import MetricsTestKit
import Testing

@testable import Discovery

private func workloadEntry(_ name: String, address: String = "127.0.0.1", line: Int = 1, version: String = "1") -> RawObject {
    let json = #"{"apiVersion":"networking.istio.io/v1","kind":"WorkloadEntry","metadata":{"name":"\#(name)","namespace":"demo"},"spec":{"address":"\#(address)"}}"#
    return RawObject(
        key: networkingKey("WorkloadEntry", "demo", name), apiVersion: "networking.istio.io/v1",
        resourceVersion: version, json: Data(json.utf8), location: .file(path: "/mesh/w.yaml", line: line, column: 1))
}

private let workloadEntryKinds: Set<GroupKind> = [GroupKind(group: "networking.istio.io", kind: "WorkloadEntry")]

@Suite("ConfigStore")
struct ConfigStoreTests {
    @Test("replaceAll adds, then emits only real differences")
    func replaceAllDiffs() throws {
        let metrics = TestMetrics()
        let store = ConfigStore(metricsFactory: metrics)
        let first = store.ingest(.replaceAll(kinds: workloadEntryKinds, objects: [workloadEntry("a"), workloadEntry("b")]), from: "dir")
        #expect(first.map(\.kind) == [.add, .add])

        // Same content, new version and location: no event, but the location is updated.
        let second = store.ingest(
            .replaceAll(kinds: workloadEntryKinds, objects: [workloadEntry("a", line: 9, version: "2"), workloadEntry("c")]), from: "dir")
        #expect(second.map(\.kind) == [.add, .delete])
        #expect(second.first { $0.kind == .delete }?.key.name == "b")
        #expect(store.snapshot.objects[networkingKey("WorkloadEntry", "demo", "a")]?.location == .file(path: "/mesh/w.yaml", line: 9, column: 1))
        #expect(store.snapshot.list(WorkloadEntry.self).map { $0.metadata.name } == ["a", "c"])

        let third = store.ingest(.replaceAll(kinds: workloadEntryKinds, objects: [workloadEntry("a", address: "127.0.0.2"), workloadEntry("c")]), from: "dir")
        #expect(third.map(\.kind) == [.update])
        #expect(third[0].old?.as(WorkloadEntry.self)?.spec.address == "127.0.0.1")
        #expect(third[0].new?.as(WorkloadEntry.self)?.spec.address == "127.0.0.2")

        #expect(metrics.counterTotal(label: "pilot_k8s_cfg_events", dimensions: [("type", "workloadentry"), ("event", "add")]) == 3)
        #expect(metrics.counterTotal(label: "pilot_k8s_cfg_events", dimensions: [("type", "workloadentry"), ("event", "delete")]) == 1)
        #expect(metrics.counterTotal(label: "pilot_k8s_cfg_events", dimensions: [("type", "workloadentry"), ("event", "update")]) == 1)
    }

    @Test("replaceAll from one source leaves other sources' objects alone")
    func sourcesAreSeparate() {
        let store = ConfigStore(metricsFactory: TestMetrics())
        store.ingest(.replaceAll(kinds: workloadEntryKinds, objects: [workloadEntry("a")]), from: "one")
        store.ingest(.replaceAll(kinds: workloadEntryKinds, objects: [workloadEntry("b")]), from: "two")
        let events = store.ingest(.replaceAll(kinds: workloadEntryKinds, objects: []), from: "one")
        #expect(events.map(\.key.name) == ["a"])
        #expect(store.snapshot.objects.keys.map(\.name) == ["b"])
    }

    @Test("a rejected update keeps the earlier object in force and records the rejection")
    func rejectedUpdateKeepsOld() throws {
        let metrics = TestMetrics()
        let store = ConfigStore(metricsFactory: metrics)
        store.ingest(.upsert(workloadEntry("a")), from: "dir")
        let events = store.ingest(.upsert(workloadEntry("a", address: "not an address!")), from: "dir")
        #expect(events.isEmpty)
        let snapshot = store.snapshot
        let key = networkingKey("WorkloadEntry", "demo", "a")
        #expect(snapshot.objects[key]?.as(WorkloadEntry.self)?.spec.address == "127.0.0.1")
        let rejection = try #require(snapshot.rejections[key])
        #expect(rejection.messages == [#"WorkloadEntry demo/a: spec.address: "not an address!" is not an IP address, DNS name or unix:// path"#])
        #expect(metrics.counterTotal(label: "controld_config_rejected", dimensions: [("kind", "WorkloadEntry")]) == 1)

        // A valid version clears the rejection.
        let fixed = store.ingest(.upsert(workloadEntry("a", address: "127.0.0.3")), from: "dir")
        #expect(fixed.map(\.kind) == [.update])
        #expect(store.snapshot.rejections.isEmpty)
    }

    @Test("a rejected new object is recorded, not added; deleting it clears the record")
    func rejectedNewObject() {
        let store = ConfigStore(metricsFactory: TestMetrics())
        store.ingest(.upsert(workloadEntry("bad", address: "")), from: "dir")
        #expect(store.snapshot.objects.isEmpty)
        #expect(store.snapshot.rejections.count == 1)
        store.ingest(.delete(networkingKey("WorkloadEntry", "demo", "bad"), location: .file(path: "/mesh/w.yaml", line: 1, column: 1)), from: "dir")
        #expect(store.snapshot.rejections.isEmpty)
    }

    @Test("unsupported kinds are set aside; unreadable inputs are recorded until the file reads again")
    func ignoredAndUnreadable() {
        let store = ConfigStore(metricsFactory: TestMetrics())
        let deployment = RawObject(
            key: ObjectKey(group: "apps", kind: "Deployment", namespace: "demo", name: "web"), apiVersion: "apps/v1",
            resourceVersion: "1", json: Data(#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"}}"#.utf8),
            location: .file(path: "/mesh/d.yaml", line: 1, column: 1))
        #expect(store.ingest(.upsert(deployment), from: "dir").isEmpty)
        #expect(store.snapshot.ignored.count == 1)
        #expect(store.snapshot.rejections.isEmpty)

        let broken = SourceLocation.file(path: "/mesh/w.yaml", line: 3, column: 7)
        store.ingest(.unreadable(location: broken, message: "mapping values are not allowed here"), from: "dir")
        #expect(store.snapshot.unreadable[broken]?.message == "mapping values are not allowed here")
        store.ingest(.upsert(workloadEntry("a")), from: "dir")
        #expect(store.snapshot.unreadable.isEmpty)
    }

    @Test("subscribers get add, update and delete with old and new, in order")
    func eventStream() async throws {
        let store = ConfigStore(metricsFactory: TestMetrics())
        let events = store.events()
        store.ingest(.upsert(workloadEntry("a")), from: "dir")
        store.ingest(.upsert(workloadEntry("a", address: "127.0.0.2")), from: "dir")
        store.ingest(.delete(networkingKey("WorkloadEntry", "demo", "a"), location: .file(path: "/mesh/w.yaml", line: 1, column: 1)), from: "dir")
        var received: [ConfigEvent] = []
        for await event in events {
            received.append(event)
            if received.count == 3 { break }
        }
        #expect(received.map(\.kind) == [.add, .update, .delete])
        #expect(received[1].old?.as(WorkloadEntry.self)?.spec.address == "127.0.0.1")
        #expect(received[1].new?.as(WorkloadEntry.self)?.spec.address == "127.0.0.2")
        #expect(received[2].new == nil)
        #expect(received.map(\.version) == [1, 2, 3])
    }

    @Test("snapshots are immutable values")
    func snapshotIsAValue() {
        let store = ConfigStore(metricsFactory: TestMetrics())
        store.ingest(.upsert(workloadEntry("a")), from: "dir")
        let before = store.snapshot
        store.ingest(.upsert(workloadEntry("b")), from: "dir")
        #expect(before.objects.count == 1)
        #expect(store.snapshot.objects.count == 2)
        #expect(store.snapshot.get(WorkloadEntry.self, namespace: "demo", name: "b")?.spec.address == "127.0.0.1")
    }
}
