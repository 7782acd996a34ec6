import ControlPlane
import Testing

@Suite("analyze: Gateways binding the same port and host on the same proxies (IST0145)")
struct ConflictingGatewayAnalyzerTests {
    static func gateway(_ name: String, selector: String = "istio: ingressgateway", port: Int = 80, host: String) -> String {
        """
        apiVersion: networking.istio.io/v1
        kind: Gateway
        metadata:
          name: \(name)
          namespace: default
        spec:
          selector:
            \(selector)
          servers:
          - port:
              number: \(port)
              name: http
              protocol: HTTP
            hosts: ["\(host)"]
        """
    }

    @Test("two Gateways with one selector serving the same host on one port conflict")
    func failing() throws {
        let fixture = try AnalysisFixture(
            [Self.gateway("a", host: "shop.example.com"), Self.gateway("b", host: "shop.example.com")]
                .joined(separator: "\n---\n"))
        defer { fixture.remove() }
        let findings = try fixture.findings(ConflictingGatewayAnalyzer())
        #expect(findings.summaries == ["IST0145 Gateway default/a", "IST0145 Gateway default/b"])
        #expect(findings.first?.message
            == "Conflict with gateways default/b (workload selector istio=ingressgateway, port 80, hosts shop.example.com).")
    }

    @Test("other hosts, other ports or other gateway workloads do not conflict")
    func passing() throws {
        let fixture = try AnalysisFixture(
            [
                Self.gateway("a", host: "shop.example.com"), Self.gateway("b", host: "blog.example.com"),
                Self.gateway("c", port: 8080, host: "shop.example.com"),
                Self.gateway("d", selector: "istio: egressgateway", host: "shop.example.com"),
            ].joined(separator: "\n---\n"))
        defer { fixture.remove() }
        #expect(try fixture.findings(ConflictingGatewayAnalyzer()).isEmpty)
    }
}
