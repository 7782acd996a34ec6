import ControlPlane
import Testing

@Suite("analyze: portLevelMtls on a port the workloads don't serve (CTL0204)")
struct PortLevelMTLSAnalyzerTests {
    static func policy(ports: [Int]) -> String {
        """
        apiVersion: security.istio.io/v1
        kind: PeerAuthentication
        metadata: {name: reviews, namespace: default}
        spec:
          selector: {matchLabels: {app: reviews}}
          mtls: {mode: STRICT}
          portLevelMtls: {\(ports.map { "\"\($0)\": {mode: DISABLE}" }.joined(separator: ", "))}
        """
    }

    @Test("a port the selected pods don't serve is reported; their own port passes")
    func failing() throws {
        let fixture = try AnalysisFixture(
            [AnalysisYAML.reviewsService, AnalysisYAML.reviewsPod("reviews-v1", version: "v1"), Self.policy(ports: [9080, 8080])]
                .joined(separator: "\n---\n"))
        defer { fixture.remove() }
        let findings = try fixture.findings(PortLevelMTLSAnalyzer())
        #expect(findings.summaries == ["CTL0204 PeerAuthentication default/reviews"])
        #expect(findings.first?.message.hasPrefix("Port 8080 in portLevelMtls is not a port the selected workloads serve (they serve 9080)") == true)
    }

    @Test("workloads whose ports nothing declares are not judged")
    func unknownPorts() throws {
        let fixture = try AnalysisFixture(
            [AnalysisYAML.reviewsPod("reviews-v1", version: "v1"), Self.policy(ports: [8080])].joined(separator: "\n---\n"))
        defer { fixture.remove() }
        #expect(try fixture.findings(PortLevelMTLSAnalyzer()).isEmpty)
    }
}
