import Foundation
import MetricsTestKit
import Testing

@testable import Discovery

@Suite("The repository's ./mesh example")
struct MeshExampleTests {
    @Test("loads with no findings")
    func loadsCleanly() throws {
        // Tests/DiscoveryTests/MeshExampleTests.swift → the repository root.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("mesh").path
        let store = ConfigStore(metricsFactory: TestMetrics())
        let source = DirectorySource(root: root)
        for event in source.load() { store.ingest(event, from: source.name) }
        let snapshot = store.snapshot
        #expect(snapshot.objects.count == 6)
        #expect(snapshot.rejections.isEmpty)
        #expect(snapshot.unreadable.isEmpty)
        #expect(snapshot.ignored.isEmpty)
        #expect(snapshot.objects.values.flatMap(\.warnings).isEmpty)
        #expect(snapshot.list(VirtualService.self).first?.spec.http?.first?.route?.map(\.weight) == [90, 10])
    }
}
