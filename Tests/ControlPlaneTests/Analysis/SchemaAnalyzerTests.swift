import ControlPlane
import Testing

@Suite("analyze: schema findings (IST0106, IST0133, CTL0001, CTL0002)")
struct SchemaAnalyzerTests {
    @Test("a rejected object is IST0106 with the field path; an unknown field is CTL0002")
    func rejectedAndUnknown() throws {
        let fixture = try AnalysisFixture(
            """
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata:
              name: no-host
            spec:
              subsets:
              - name: v1
            ---
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata:
              name: typo
            spec:
              hosts: [reviews]
              htpp: []
              http:
              - route:
                - destination:
                    host: reviews
            """)
        defer { fixture.remove() }
        let findings = try fixture.findings(SchemaAnalyzer())
        #expect(findings.summaries == ["IST0106 DestinationRule default/no-host", "CTL0002 VirtualService default/typo"])
        #expect(findings[0].message == "Schema validation error: spec.host: required")
        #expect(findings[0].type.level == .error)
        #expect(findings[0].locationText == fixture.path("mesh.yaml") + ":1")
        #expect(findings[1].message == "Unknown field: spec.htpp")
        #expect(findings[1].type.level == .warning)
        #expect(findings[1].locationText == fixture.path("mesh.yaml") + ":9")
    }

    @Test("a file that is not YAML is CTL0001 at its line and column")
    func unreadable() throws {
        let fixture = try AnalysisFixture("apiVersion: v1\nkind: [Service\n")
        defer { fixture.remove() }
        let findings = try fixture.findings(SchemaAnalyzer())
        #expect(findings.summaries == ["CTL0001 -"])
        let location = try #require(findings.first?.locationText)
        #expect(location.hasPrefix(fixture.path("mesh.yaml") + ":"))
        #expect(location.wholeMatch(of: /.*:\d+:\d+/) != nil)
    }

    @Test("valid objects give no findings")
    func clean() throws {
        let fixture = try AnalysisFixture(AnalysisYAML.reviewsService)
        defer { fixture.remove() }
        #expect(try fixture.findings(SchemaAnalyzer()).isEmpty)
    }
}
