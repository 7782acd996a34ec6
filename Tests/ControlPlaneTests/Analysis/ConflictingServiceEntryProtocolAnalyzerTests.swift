import ControlPlane
import Testing

@Suite("analyze: ServiceEntries with conflicting protocols (IST0177)")
struct ConflictingServiceEntryProtocolAnalyzerTests {
    static func entry(_ name: String, namespace: String = "default", port: Int, protocol: String, exportTo: String? = nil) -> String {
        """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata:
          name: \(name)
          namespace: \(namespace)
        spec:
          hosts: [api.example.com]
        \(exportTo.map { "  exportTo: [\"\($0)\"]" } ?? "")
          ports:
          - number: \(port)
            name: p\(port)
            protocol: \(`protocol`)
          resolution: DNS
        """
    }

    @Test("the same host and port as HTTP in one and TCP in another is reported on both")
    func failing() throws {
        let fixture = try AnalysisFixture(
            [Self.entry("one", port: 80, protocol: "HTTP"), Self.entry("two", namespace: "web", port: 80, protocol: "TCP")]
                .joined(separator: "\n---\n"))
        defer { fixture.remove() }
        let findings = try fixture.findings(ConflictingServiceEntryProtocolAnalyzer())
        #expect(findings.summaries == ["IST0177 ServiceEntry default/one", "IST0177 ServiceEntry web/two"])
        #expect(findings.first?.message
            == #"Multiple ServiceEntries (default/one, web/two) define the same host "api.example.com" and port 80 with conflicting protocols (HTTP, TCP)."#)
        #expect(findings.first?.type.level == .warning)
    }

    @Test("same protocol, other ports, or entries never visible together pass")
    func passing() throws {
        let fixture = try AnalysisFixture(
            [
                Self.entry("one", port: 80, protocol: "HTTP"), Self.entry("two", namespace: "web", port: 80, protocol: "http"),
                Self.entry("three", port: 443, protocol: "TLS", exportTo: "."),
                Self.entry("four", namespace: "web", port: 443, protocol: "HTTPS", exportTo: "."),
            ].joined(separator: "\n---\n"))
        defer { fixture.remove() }
        #expect(try fixture.findings(ConflictingServiceEntryProtocolAnalyzer()).isEmpty)
    }
}
