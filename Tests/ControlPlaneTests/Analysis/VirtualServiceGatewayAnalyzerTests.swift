import ControlPlane
import Testing

@Suite("analyze: VirtualService gateways (IST0101, IST0132)")
struct VirtualServiceGatewayAnalyzerTests {
    static let gateway = """
        apiVersion: networking.istio.io/v1
        kind: Gateway
        metadata:
          name: public
          namespace: istio-system
        spec:
          selector:
            istio: ingressgateway
          servers:
          - port:
              number: 80
              name: http
              protocol: HTTP
            hosts: ["*.shop.example.com", "web/www.example.com"]
        """

    static func virtualService(name: String, namespace: String, host: String, gateway: String) -> String {
        """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata:
          name: \(name)
          namespace: \(namespace)
        spec:
          hosts: [\(host)]
          gateways: [\(gateway), mesh]
          http:
          - route:
            - destination:
                host: reviews
        """
    }

    @Test("an unknown gateway is IST0101; a host the gateway does not serve is IST0132")
    func failing() throws {
        let fixture = try AnalysisFixture(
            [
                Self.gateway,
                Self.virtualService(name: "typo", namespace: "web", host: "www.example.com", gateway: "istio-system/publik"),
                Self.virtualService(name: "wrong-host", namespace: "web", host: "api.example.com", gateway: "istio-system/public"),
                // `web/www.example.com` is only for VirtualServices in `web`.
                Self.virtualService(name: "wrong-ns", namespace: "shop", host: "www.example.com", gateway: "istio-system/public"),
            ].joined(separator: "\n---\n"))
        defer { fixture.remove() }
        let findings = try fixture.findings(VirtualServiceGatewayAnalyzer())
        #expect(findings.summaries == [
            "IST0101 VirtualService web/typo", "IST0132 VirtualService web/wrong-host", "IST0132 VirtualService shop/wrong-ns",
        ])
        #expect(findings[0].message == #"Referenced gateway not found: "istio-system/publik""#)
        #expect(findings[1].message
            == "one or more host [api.example.com] defined in VirtualService web/wrong-host not found in Gateway istio-system/public.")
        #expect(findings[1].type.level == .warning)
    }

    static let kubernetesGateway = """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata:
          name: waypoint
          namespace: web
        spec:
          gatewayClassName: istio
          listeners:
          - name: http
            hostname: "*.example.com"
            port: 80
            protocol: HTTP
        """

    @Test("wildcard and namespace-scoped server hosts, and Gateway API listeners, admit matching VirtualServices")
    func passing() throws {
        let fixture = try AnalysisFixture(
            [
                Self.gateway, Self.kubernetesGateway,
                Self.virtualService(name: "via-gateway-api", namespace: "web", host: "www.example.com", gateway: "waypoint"),
                Self.virtualService(name: "cart", namespace: "shop", host: "cart.shop.example.com", gateway: "istio-system/public"),
                Self.virtualService(name: "www", namespace: "web", host: "www.example.com", gateway: "istio-system/public"),
            ].joined(separator: "\n---\n"))
        defer { fixture.remove() }
        #expect(try fixture.findings(VirtualServiceGatewayAnalyzer()).isEmpty)
    }
}
