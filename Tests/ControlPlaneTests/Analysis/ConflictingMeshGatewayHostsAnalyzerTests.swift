import ControlPlane
import Testing

@Suite("analyze: VirtualServices sharing a host on the mesh gateway (IST0109)")
struct ConflictingMeshGatewayHostsAnalyzerTests {
    static func virtualService(_ name: String, host: String, extra: String = "") -> String {
        """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata:
          name: \(name)
          namespace: default
        spec:
          hosts: [\(host)]
        \(extra)
          http:
          - route:
            - destination:
                host: reviews
        """
    }

    @Test("two mesh VirtualServices for one host are both reported, naming each other")
    func failing() throws {
        let fixture = try AnalysisFixture(
            [
                Self.virtualService("first", host: "reviews"),
                Self.virtualService("second", host: "reviews.default.svc.cluster.local", extra: "  gateways: [mesh]"),
            ].joined(separator: "\n---\n"))
        defer { fixture.remove() }
        let findings = try fixture.findings(ConflictingMeshGatewayHostsAnalyzer())
        #expect(findings.summaries == ["IST0109 VirtualService default/first", "IST0109 VirtualService default/second"])
        #expect(findings[0].message.hasPrefix(
            "The VirtualServices default/first,default/second associated with mesh gateway define the same host "
                + "*/reviews.default.svc.cluster.local which can lead to undefined behavior."))
    }

    @Test("different hosts, or one bound only to a gateway, do not conflict")
    func passing() throws {
        let fixture = try AnalysisFixture(
            [
                Self.virtualService("first", host: "reviews"),
                Self.virtualService("second", host: "ratings"),
                Self.virtualService("ingress", host: "reviews", extra: "  gateways: [istio-system/public]"),
            ].joined(separator: "\n---\n"))
        defer { fixture.remove() }
        #expect(try fixture.findings(ConflictingMeshGatewayHostsAnalyzer()).isEmpty)
    }
}
