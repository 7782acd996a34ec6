import ControlPlane
import Testing

@Suite("analyze: DestinationRule hosts (IST0174)")
struct UnknownDestinationRuleHostAnalyzerTests {
    static func rule(_ name: String, host: String, subsets: [String: String] = [:]) -> String {
        var yaml = """
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata:
              name: \(name)
              namespace: default
            spec:
              host: \(host)
            """
        if !subsets.isEmpty {
            yaml += "\n  subsets:"
            for (subset, version) in subsets.sorted(by: { $0.key < $1.key }) {
                yaml += "\n  - name: \(subset)\n    labels:\n      version: \(version)"
            }
        }
        return yaml
    }

    @Test("a host no Service or ServiceEntry defines is reported as a warning")
    func failing() throws {
        let fixture = try AnalysisFixture([AnalysisYAML.reviewsService, Self.rule("typo", host: "reviewz")].joined(separator: "\n---\n"))
        defer { fixture.remove() }
        let findings = try fixture.findings(UnknownDestinationRuleHostAnalyzer())
        #expect(findings.summaries == ["IST0174 DestinationRule default/typo"])
        #expect(findings.first?.message == "The host reviewz defined in the DestinationRule does not match any services in the mesh.")
        #expect(findings.first?.type.level == .warning)
    }

    @Test("a short name for a Service in the rule's namespace is known")
    func passing() throws {
        let fixture = try AnalysisFixture([AnalysisYAML.reviewsService, Self.rule("reviews", host: "reviews")].joined(separator: "\n---\n"))
        defer { fixture.remove() }
        #expect(try fixture.findings(UnknownDestinationRuleHostAnalyzer()).isEmpty)
    }
}

@Suite("analyze: DestinationRule subsets selecting no workload (IST0173)")
struct DestinationRuleSubsetAnalyzerTests {
    @Test("a subset whose labels match none of the Service's pods is reported")
    func failingPods() throws {
        let fixture = try AnalysisFixture(
            [
                AnalysisYAML.reviewsService, AnalysisYAML.reviewsPod("reviews-v1", version: "v1"),
                // Same labels, other namespace: not the Service's pod.
                AnalysisYAML.reviewsPod("reviews-v3", version: "v3", namespace: "other"),
                UnknownDestinationRuleHostAnalyzerTests.rule("reviews", host: "reviews", subsets: ["v1": "v1", "v3": "v3"]),
            ].joined(separator: "\n---\n"))
        defer { fixture.remove() }
        let findings = try fixture.findings(DestinationRuleSubsetAnalyzer())
        #expect(findings.summaries == ["IST0173 DestinationRule default/reviews"])
        #expect(findings.first?.message
            == "The Subset v3 defined in the DestinationRule does not select any pods. Which may lead to 503 UH (NoHealthyUpstream).")
    }

    @Test("WorkloadEntries selected by a ServiceEntry and inline endpoints count as workloads")
    func serviceEntryWorkloads() throws {
        let fixture = try AnalysisFixture(
            """
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata:
              name: vm
              namespace: default
            spec:
              hosts: [vm.example.internal]
              ports:
              - number: 80
                name: http
                protocol: HTTP
              resolution: STATIC
              workloadSelector:
                labels:
                  app: vm
            ---
            apiVersion: networking.istio.io/v1
            kind: WorkloadEntry
            metadata:
              name: vm-1
              namespace: default
            spec:
              address: 127.0.0.10
              labels:
                app: vm
                version: v1
            ---
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata:
              name: inline
              namespace: default
            spec:
              hosts: [inline.example.internal]
              ports:
              - number: 80
                name: http
                protocol: HTTP
              resolution: STATIC
              endpoints:
              - address: 127.0.0.11
                labels:
                  version: v1
            ---
            \(UnknownDestinationRuleHostAnalyzerTests.rule("vm", host: "vm.example.internal", subsets: ["v1": "v1", "v2": "v2"]))
            ---
            \(UnknownDestinationRuleHostAnalyzerTests.rule("inline", host: "inline.example.internal", subsets: ["v1": "v1"]))
            """)
        defer { fixture.remove() }
        let findings = try fixture.findings(DestinationRuleSubsetAnalyzer())
        #expect(findings.summaries == ["IST0173 DestinationRule default/vm"])
        #expect(findings.first?.message.hasPrefix("The Subset v2 ") == true)
    }

    static func slice(pods: [String]) -> String {
        var yaml = """
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata:
              name: details-1
              namespace: default
              labels:
                kubernetes.io/service-name: details
            addressType: IPv4
            endpoints:
            """
        for (index, pod) in pods.enumerated() {
            yaml += "\n- addresses: [10.0.0.\(index + 1)]\n  targetRef:\n    kind: Pod\n    name: \(pod)\n    namespace: default"
        }
        return yaml
    }

    static let details = """
        apiVersion: v1
        kind: Service
        metadata:
          name: details
          namespace: default
        spec:
          ports:
          - port: 9080
        ---
        apiVersion: v1
        kind: Pod
        metadata:
          name: details-v1
          namespace: default
          labels:
            version: v1
        spec:
          containers:
          - name: app
        """

    @Test("the Pods a selector-less Service's EndpointSlices point at are its workloads")
    func endpointSlices() throws {
        let rule = UnknownDestinationRuleHostAnalyzerTests.rule("details", host: "details", subsets: ["v2": "v2"])
        let known = try AnalysisFixture([Self.details, Self.slice(pods: ["details-v1"]), rule].joined(separator: "\n---\n"))
        defer { known.remove() }
        #expect(try known.findings(DestinationRuleSubsetAnalyzer()).summaries == ["IST0173 DestinationRule default/details"])

        // An endpoint whose Pod is not among the files: its labels are unknown, nothing is judged.
        let partial = try AnalysisFixture(
            [Self.details, Self.slice(pods: ["details-v1", "details-v2"]), rule].joined(separator: "\n---\n"))
        defer { partial.remove() }
        #expect(try partial.findings(DestinationRuleSubsetAnalyzer()).isEmpty)
    }

    @Test("subsets matching pods pass, and hosts without known workloads are not judged")
    func passing() throws {
        let fixture = try AnalysisFixture(
            [
                AnalysisYAML.reviewsService, AnalysisYAML.reviewsPod("reviews-v1", version: "v1"),
                UnknownDestinationRuleHostAnalyzerTests.rule("reviews", host: "reviews", subsets: ["v1": "v1"]),
                """
                apiVersion: v1
                kind: Service
                metadata:
                  name: ratings
                  namespace: default
                spec:
                  selector:
                    app: ratings
                  ports:
                  - port: 9080
                """,
                UnknownDestinationRuleHostAnalyzerTests.rule("ratings", host: "ratings", subsets: ["v9": "v9"]),
            ].joined(separator: "\n---\n"))
        defer { fixture.remove() }
        #expect(try fixture.findings(DestinationRuleSubsetAnalyzer()).isEmpty)
    }
}
