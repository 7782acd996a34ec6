import ControlPlane
import Discovery
import Foundation
import Testing

@Suite("analyze: loading files and folders")
struct AnalysisInputTests {
    @Test("folders are read recursively; objects without a namespace get the one named")
    func foldersAndNamespace() throws {
        let fixture = try AnalysisFixture([
            ("a/service.yaml", AnalysisYAML.reviewsService),
            ("b/c/rule.yml", "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: reviews\nspec:\n  host: reviews\n"),
            ("notes.txt", "not config"),
        ])
        defer { fixture.remove() }
        let input = try fixture.input(defaultNamespace: "shop")
        let keys = input.snapshot.objects.keys.map(\.description).sorted()
        #expect(keys == ["DestinationRule shop/reviews", "Service default/reviews"])
    }

    @Test("a file path is read as given, a missing path is an error")
    func filesAndMissingPaths() throws {
        let fixture = try AnalysisFixture(AnalysisYAML.reviewsService)
        defer { fixture.remove() }
        let input = try AnalysisInput.load(paths: [fixture.path("mesh.yaml")])
        #expect(input.snapshot.objects.count == 1)
        #expect(throws: AnalysisInput.LoadError.noSuchPath("/nonexistent/mesh")) {
            try AnalysisInput.load(paths: ["/nonexistent/mesh"])
        }
    }

    @Test("objects defined twice are reported once each, the first definition used")
    func duplicates() throws {
        let fixture = try AnalysisFixture([
            ("1.yaml", AnalysisYAML.reviewsService), ("2.yaml", AnalysisYAML.reviewsService),
        ])
        defer { fixture.remove() }
        let findings = try fixture.findings(SchemaAnalyzer())
        #expect(findings.summaries == ["CTL0003 Service default/reviews"])
        #expect(findings.first?.locationText == fixture.path("2.yaml") + ":1")
    }
}
