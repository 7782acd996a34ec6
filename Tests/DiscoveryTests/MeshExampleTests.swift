import Foundation
import MetricsTestKit
import Testing

@testable import Discovery

@Suite("The Bookinfo example")
struct MeshExampleTests {
    @Test("loads with no findings")
    func loadsCleanly() throws {
        // Tests/DiscoveryTests/MeshExampleTests.swift → the repository root.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("examples/bookinfo/mesh").path
        let store = ConfigStore(metricsFactory: TestMetrics())
        let source = DirectorySource(root: root)
        for event in source.load() { store.ingest(event, from: source.name) }
        let snapshot = store.snapshot
        #expect(snapshot.objects.count == 13)
        #expect(snapshot.rejections.isEmpty)
        #expect(snapshot.unreadable.isEmpty)
        #expect(snapshot.ignored.isEmpty)
        #expect(snapshot.objects.values.flatMap(\.warnings).isEmpty)
        #expect(snapshot.list(VirtualService.self).first?.spec.http?.last?.route?.map(\.weight) == [90, 10])
    }
}
