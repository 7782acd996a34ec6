import ControlPlane
import Testing

@Suite("analyze: security policies (IST0127, CTL0201, CTL0202, CTL0203)")
struct SecurityPolicyAnalyzerTests {
    static func policy(_ name: String, namespace: String = "default", _ spec: String) -> String {
        """
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata:
          name: \(name)
          namespace: \(namespace)
        spec:
        \(spec.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
        """
    }

    static let database = """
        apiVersion: v1
        kind: Service
        metadata:
          name: db
          namespace: default
        spec:
          selector:
            app: db
          ports:
          - name: tcp-postgres
            port: 5432
        ---
        apiVersion: v1
        kind: Pod
        metadata:
          name: db-0
          namespace: default
          labels:
            app: db
        spec:
          containers:
          - name: db
            image: postgres
        """

    static func run(_ documents: [String], _ analyzer: any Analyzer) throws -> [AnalysisFinding] {
        let fixture = try AnalysisFixture(documents.joined(separator: "\n---\n"))
        defer { fixture.remove() }
        return try fixture.findings(analyzer)
    }

    @Test("IST0127: a selector matching no pod, and a namespace without workloads, are reported")
    func noMatchingWorkloads() throws {
        let findings = try Self.run(
            [
                AnalysisYAML.reviewsService, AnalysisYAML.reviewsPod("reviews-v1", version: "v1"),
                Self.policy("v2-only", "selector:\n  matchLabels: {app: reviews, version: v2}\nrules:\n- {}"),
                Self.policy("v1-only", "selector:\n  matchLabels: {app: reviews, version: v1}\nrules:\n- {}"),
                Self.policy("empty-ns", namespace: "ghost", "action: DENY\nrules:\n- {}"),
                Self.policy("mesh-missing", namespace: "istio-system", "selector:\n  matchLabels: {app: nothing}"),
                Self.policy("mesh-wide", namespace: "istio-system", "{}"),
                Self.policy("gateway", "targetRefs:\n- {group: gateway.networking.k8s.io, kind: Gateway, name: web}"),
            ], SecurityPolicyWorkloadAnalyzer())
        #expect(findings.summaries.sorted() == [
            "IST0127 AuthorizationPolicy default/v2-only", "IST0127 AuthorizationPolicy ghost/empty-ns",
            "IST0127 AuthorizationPolicy istio-system/mesh-missing",
        ])
        #expect(findings.first { $0.message.contains("version") }?.message
            == "No matching workloads for this resource with the following labels: app=reviews,version=v2")
        #expect(findings.allSatisfy { $0.type.level == .warning })
    }

    @Test("IST0127 stays quiet when the input has no workloads at all")
    func noWorkloadsKnown() throws {
        #expect(try Self.run([Self.policy("a", "selector:\n  matchLabels: {app: x}")], SecurityPolicyWorkloadAnalyzer()).isEmpty)
    }

    @Test("CTL0201: a principal from another trust domain; cluster.local, the mesh's own and wildcards pass")
    func trustDomain() throws {
        let findings = try Self.run(
            [
                Self.policy("p", """
                    rules:
                    - from:
                      - source: {principals: ["other.org/ns/a/sa/b", "cluster.local/ns/a/sa/b", "*/ns/a/sa/b", "example.org/ns/a/sa/c"]}
                      when:
                      - {key: source.principal, notValues: ["third.org/ns/x/sa/y"]}
                    """)
            ], PrincipalTrustDomainAnalyzer(trustDomain: "example.org"))
        #expect(findings.map(\.message).sorted() == [
            #"The principal "other.org/ns/a/sa/b" has trust domain "other.org", not the mesh's "example.org": it matches no workload of this mesh."#,
            #"The principal "third.org/ns/x/sa/y" has trust domain "third.org", not the mesh's "example.org": it matches no workload of this mesh."#,
        ])
        #expect(findings.allSatisfy { $0.type.code == "CTL0201" })
    }

    @Test("CTL0202: HTTP fields in a policy whose workloads serve only TCP ports")
    func httpFieldsOnTCP() throws {
        let findings = try Self.run(
            [
                Self.database,
                Self.policy("allow-get", "selector:\n  matchLabels: {app: db}\nrules:\n- to:\n  - operation: {methods: [GET]}"),
                Self.policy("deny-path", "action: DENY\nselector:\n  matchLabels: {app: db}\nrules:\n- to:\n  - operation: {paths: [/admin], ports: [\"5432\"]}"),
                Self.policy("tcp-only", "selector:\n  matchLabels: {app: db}\nrules:\n- to:\n  - operation: {ports: [\"5432\"]}"),
            ], HTTPFieldsOnTCPAnalyzer())
        #expect(findings.summaries.sorted() == [
            "CTL0202 AuthorizationPolicy default/allow-get", "CTL0202 AuthorizationPolicy default/deny-path",
        ])
        #expect(findings.first { $0.object?.name == "allow-get" }?.message
            == "Rule 0 uses HTTP-only fields (methods) but applies only to non-HTTP ports 5432: the rule never matches there, so that traffic is denied.")
    }

    @Test("CTL0202 stays quiet for HTTP ports and unknown ports")
    func httpFieldsOnHTTP() throws {
        let findings = try Self.run(
            [
                AnalysisYAML.reviewsService, AnalysisYAML.reviewsPod("reviews-v1", version: "v1"), Self.database,
                Self.policy("reviews", "selector:\n  matchLabels: {app: reviews}\nrules:\n- to:\n  - operation: {methods: [GET]}"),
                Self.policy("db-other-port", "selector:\n  matchLabels: {app: db}\nrules:\n- to:\n  - operation: {methods: [GET], ports: [\"8080\"]}"),
            ], HTTPFieldsOnTCPAnalyzer())
        #expect(findings.isEmpty)
    }

    @Test("CTL0203: a CUSTOM policy is reported as an error")
    func custom() throws {
        let findings = try Self.run(
            [Self.policy("ext", "action: CUSTOM\nprovider: {name: opa}\nrules:\n- {}"), Self.policy("allow", "rules:\n- {}")],
            CustomAuthorizationAnalyzer())
        #expect(findings.summaries == ["CTL0203 AuthorizationPolicy default/ext"])
        #expect(findings[0].type.level == .error)
        #expect(findings[0].message.contains(#"provider "opa""#))
    }

    @Test("the analyzers are registered with controld analyze")
    func registered() {
        let names = MeshAnalysis.analyzers.map(\.name)
        #expect(names.contains("auth.AuthorizationPoliciesAnalyzer"))
        #expect(names.contains("auth.PrincipalTrustDomainAnalyzer"))
        #expect(names.contains("auth.HTTPFieldsOnTCPAnalyzer"))
        #expect(names.contains("auth.CustomActionAnalyzer"))
    }
}
