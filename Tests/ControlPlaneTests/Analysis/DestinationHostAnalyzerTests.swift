import ControlPlane
import Testing

@Suite("analyze: VirtualService destinations (IST0101, IST0112)")
struct DestinationHostAnalyzerTests {
    static let services = """
        \(AnalysisYAML.reviewsService)
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: ratings
          namespace: default
        spec:
          ports:
          - name: http
            port: 9080
          - name: grpc
            port: 9090
        ---
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata:
          name: external
          namespace: default
        spec:
          hosts: ["*.example.com"]
          ports:
          - number: 443
            name: tls
            protocol: TLS
          resolution: NONE
        """

    @Test("an unknown host, an undeclared port and a missing port on a multi-port host are reported")
    func failing() throws {
        let fixture = try AnalysisFixture(
            """
            \(Self.services)
            ---
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata:
              name: reviews
              namespace: default
            spec:
              hosts: [reviews]
              http:
              - route:
                - destination:
                    host: ratingz
              - route:
                - destination:
                    host: reviews
                    port:
                      number: 8080
              - route:
                - destination:
                    host: ratings.default.svc.cluster.local
                mirror:
                  host: shadow
            """)
        defer { fixture.remove() }
        let findings = try fixture.findings(DestinationHostAnalyzer())
        #expect(findings.map(\.message) == [
            #"Referenced host not found: "ratingz""#,
            #"Referenced host:port not found: "reviews:8080""#,
            #"Referenced mirror host not found: "shadow""#,
            #"This VirtualService routes to a service "ratings.default.svc.cluster.local" that exposes multiple ports [9080 9090]. Specifying a port in the destination is required to disambiguate."#,
        ])
        #expect(findings.summaries.allSatisfy { $0.hasSuffix("VirtualService default/reviews") })
        #expect(findings.map(\.type.code) == ["IST0101", "IST0101", "IST0101", "IST0112"])
    }

    @Test("short names, FQDNs in another namespace, wildcard ServiceEntry hosts and explicit ports resolve")
    func passing() throws {
        let fixture = try AnalysisFixture(
            """
            \(Self.services)
            ---
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata:
              name: frontend
              namespace: web
            spec:
              hosts: [frontend]
              http:
              - route:
                - destination:
                    host: reviews.default.svc.cluster.local
                  weight: 50
                - destination:
                    host: ratings.default.svc.cluster.local
                    port:
                      number: 9090
                  weight: 50
              tls:
              - match:
                - sniHosts: [api.example.com]
                route:
                - destination:
                    host: api.example.com
            """)
        defer { fixture.remove() }
        #expect(try fixture.findings(DestinationHostAnalyzer()).isEmpty)
    }

    @Test("a Service exported only to its own namespace is not found from another; the cluster domain is honoured")
    func visibility() throws {
        let fixture = try AnalysisFixture(
            """
            apiVersion: v1
            kind: Service
            metadata:
              name: private
              namespace: default
              annotations:
                networking.istio.io/exportTo: "."
            spec:
              ports:
              - port: 80
            ---
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata:
              name: other
              namespace: web
            spec:
              hosts: [other]
              http:
              - route:
                - destination:
                    host: private.default.svc.example.org
            """)
        defer { fixture.remove() }
        #expect(try fixture.findings(DestinationHostAnalyzer(), clusterDomain: "example.org").summaries == [
            "IST0101 VirtualService web/other"
        ])
    }
}
