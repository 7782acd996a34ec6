import ControlPlane
import Testing

@Suite("analyze: Sidecars selecting the same workloads (IST0110, IST0111)")
struct SidecarSelectorAnalyzerTests {
    static func sidecar(_ name: String, selector: String?) -> String {
        """
        apiVersion: networking.istio.io/v1
        kind: Sidecar
        metadata:
          name: \(name)
          namespace: default
        spec:
        \(selector.map { "  workloadSelector:\n    labels:\n      \($0)" } ?? "")
          egress:
          - hosts: ["./*"]
        """
    }

    @Test("two Sidecars selecting one pod, and two without selectors, are reported")
    func failing() throws {
        let fixture = try AnalysisFixture(
            [
                AnalysisYAML.reviewsPod("reviews-v1", version: "v1"),
                Self.sidecar("by-app", selector: "app: reviews"), Self.sidecar("by-version", selector: "version: v1"),
                Self.sidecar("default-1", selector: nil), Self.sidecar("default-2", selector: nil),
            ].joined(separator: "\n---\n"))
        defer { fixture.remove() }
        let findings = try fixture.findings(SidecarSelectorAnalyzer())
        #expect(findings.summaries == [
            "IST0110 Sidecar default/by-app", "IST0110 Sidecar default/by-version",
            "IST0111 Sidecar default/default-1", "IST0111 Sidecar default/default-2",
        ])
        #expect(findings[0].message
            == #"The Sidecars [by-app by-version] in namespace "default" select the same workload pod "reviews-v1", which can lead to undefined behavior."#)
    }

    @Test("Sidecars selecting different workloads, and one default Sidecar, pass")
    func passing() throws {
        let fixture = try AnalysisFixture(
            [
                AnalysisYAML.reviewsPod("reviews-v1", version: "v1"), AnalysisYAML.reviewsPod("reviews-v2", version: "v2"),
                Self.sidecar("v1", selector: "version: v1"), Self.sidecar("v2", selector: "version: v2"),
                Self.sidecar("default", selector: nil),
            ].joined(separator: "\n---\n"))
        defer { fixture.remove() }
        #expect(try fixture.findings(SidecarSelectorAnalyzer()).isEmpty)
    }
}
