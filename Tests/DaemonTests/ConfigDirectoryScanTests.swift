import Testing

@testable import Daemon

@Suite("Initial config directory scan")
struct ConfigDirectoryScanTests {
    @Test("counts objects per kind across multi-document YAML, nested folders and JSON")
    func countsKinds() throws {
        let directory = try TemporaryDirectory()
        try directory.write(
            "routes.yaml",
            """
            apiVersion: networking.istio.io/v1
            kind: Gateway
            metadata:
              name: public
            ---
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata:
              name: reviews
            ---
            # only a comment: an empty document
            ---
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata:
              name: ratings
            """)
        try directory.write(
            "nested/deeper/rules.json",
            #"{"apiVersion": "networking.istio.io/v1", "kind": "DestinationRule", "metadata": {"name": "reviews"}}"#)
        try directory.write("entries.yml", "apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: db}\n")
        try directory.write("README.md", "kind: NotConfig\n")

        let report = ConfigDirectoryScan.scan(directory: directory.path)

        #expect(report.files == 3)
        #expect(report.objectsByKind == ["Gateway": 1, "VirtualService": 2, "DestinationRule": 1, "ServiceEntry": 1])
        #expect(report.objects == 5)
        #expect(report.findings.isEmpty)
    }

    @Test("reports a broken file with its line and column and skips its objects")
    func brokenFile() throws {
        let directory = try TemporaryDirectory()
        let broken = try directory.write(
            "broken.yaml",
            """
            apiVersion: v1
            kind: Service
            metadata:
              name: a: b
            """)
        try directory.write("good.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: good\n")

        let report = ConfigDirectoryScan.scan(directory: directory.path)

        #expect(report.files == 2)
        #expect(report.objectsByKind == ["Service": 1])
        let finding = try #require(report.findings.first)
        #expect(report.findings.count == 1)
        #expect(finding.file == broken)
        #expect(finding.line == 4)
        #expect(finding.column == 10)
        #expect(finding.problem.contains("mapping values are not allowed"))
        #expect(finding.description.hasPrefix("\(broken):4:10: "))
    }

    @Test("reports a document that is not an object at the document's line")
    func notAnObject() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write(
            "mixed.yaml",
            """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: settings
            ---
            kind: Service
            spec: {}
            """)

        let report = ConfigDirectoryScan.scan(directory: directory.path)

        #expect(report.objectsByKind == ["ConfigMap": 1])
        #expect(
            report.findings == [
                .init(
                    file: file, line: 6, column: 1,
                    problem: "not a Kubernetes object (needs apiVersion, kind and metadata.name)")
            ])
    }
}
