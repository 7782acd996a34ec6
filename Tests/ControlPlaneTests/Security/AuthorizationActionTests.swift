import ControlPlane
import Foundation
import SwiftProtobuf
import Testing
import XDS

/// How actions combine (CUSTOM, AUDIT, DENY, ALLOW), dry runs, TCP ports and
/// determinism.
@Suite("Security: actions, TCP chains, determinism")
struct AuthorizationActionTests {
    typealias F = SecurityFixtures

    static let mixed =
        F.policy("allow-get", spec: "rules:\n- to:\n  - operation: {methods: [\"GET\"]}")
        + F.policy("deny-admin", spec: "action: DENY\nrules:\n- to:\n  - operation: {paths: [\"/admin*\"], ports: [\"8000\"]}")
        + F.policy("audit-all", spec: "action: AUDIT\nrules:\n- {}")

    @Test("filters come as AUDIT, DENY, ALLOW; DENY wins over ALLOW")
    func order() throws {
        let filters = InboundPolicyFilters(context: try F.context(Self.mixed), proxy: try F.proxy())
        let http = try filters.httpFilters()
        #expect(http.map(\.name) == Array(repeating: "envoy.filters.http.rbac", count: 3))
        let rules = try F.httpRBAC(http).map(\.rules)
        #expect(rules.map(\.action) == [.log, .deny, .allow])
        #expect(Array(rules[1].policies.keys) == ["ns[foo]-policy[deny-admin]-rule[0]"])
        var request = TestRequest()
        #expect(RBACEvaluator.allows(rules, request))
        request.path = "/admin/users"
        #expect(!RBACEvaluator.allows(rules, request), "DENY is evaluated before ALLOW")
        request.path = "/"
        request.method = "POST"
        #expect(!RBACEvaluator.allows(rules, request), "an ALLOW policy with no matching rule denies")
    }

    @Test("no policy, no filters")
    func none() throws {
        let filters = InboundPolicyFilters(context: try F.context(F.policy("other", namespace: "bar", spec: "{}")), proxy: try F.proxy())
        #expect(try filters.httpFilters().isEmpty)
        #expect(try filters.networkFilters().isEmpty)
        #expect(filters.isEmpty)
    }

    @Test("a TCP port: an ALLOW rule using HTTP fields is dropped (so it denies), a DENY rule loses them (so it denies more)")
    func tcpPort() throws {
        let filters = InboundPolicyFilters(context: try F.context(Self.mixed), proxy: try F.proxy())
        let network = try filters.networkFilters()
        #expect(network.map(\.name) == Array(repeating: "envoy.filters.network.rbac", count: 3))
        let configs = try F.networkRBAC(network)
        #expect(configs.allSatisfy { $0.statPrefix == "tcp." })
        let rules = configs.map(\.rules)
        #expect(rules[2].action == .allow && rules[2].policies.isEmpty, "GET cannot match on TCP: the ALLOW policy allows nothing")
        let deny = try #require(rules[1].policies["ns[foo]-policy[deny-admin]-rule[0]"])
        #expect(try F.json(deny.permissions[0]) == #"{"and_rules":{"rules":[{"or_rules":{"rules":[{"destination_port":8000}]}}]}}"#)
        var connection = TestRequest()
        connection.isHTTP = false
        #expect(!RBACEvaluator.allows(rules, connection))
        connection.port = 9000
        #expect(RBACEvaluator.allows([rules[1]], connection), "the DENY keeps its port restriction")
    }

    @Test("a TCP-only ALLOW (from and ports) works on TCP ports too")
    func tcpAllow() throws {
        let yaml = F.policy("db", spec: "rules:\n- from:\n  - source: {principals: [\"cluster.local/ns/foo/sa/app\"]}\n  to:\n  - operation: {ports: [\"5432\"]}")
        let filters = InboundPolicyFilters(context: try F.context(yaml), proxy: try F.proxy())
        let rules = try F.networkRBAC(try filters.networkFilters()).map(\.rules)
        var connection = TestRequest.from("cluster.local/ns/foo/sa/app")
        connection.isHTTP = false
        connection.port = 5432
        #expect(RBACEvaluator.allows(rules, connection))
        connection.peer = "spiffe://cluster.local/ns/foo/sa/other"
        #expect(!RBACEvaluator.allows(rules, connection))
    }

    @Test("CUSTOM fails closed: its rules deny, named as istiod names a CUSTOM it cannot use")
    func custom() throws {
        let yaml = F.policy("ext", spec: "action: CUSTOM\nprovider: {name: opa}\nrules:\n- to:\n  - operation: {paths: [\"/secure*\"]}")
            + F.policy("allow-all", spec: "rules:\n- {}")
        let filters = InboundPolicyFilters(context: try F.context(yaml), proxy: try F.proxy())
        let rules = try F.httpRBAC(try filters.httpFilters()).map(\.rules)
        #expect(rules.map(\.action) == [.deny, .allow])
        #expect(Array(rules[0].policies.keys) == ["istio-ext-authz-opa-ns[foo]-policy[ext]-rule[0]-deny-due-to-bad-CUSTOM-action"])
        var request = TestRequest()
        #expect(RBACEvaluator.allows(rules, request))
        request.path = "/secure/data"
        #expect(!RBACEvaluator.allows(rules, request))
        // On TCP the path condition is dropped: the CUSTOM scope becomes the whole port.
        let tcp = try F.networkRBAC(try filters.networkFilters()).map(\.rules)
        var connection = TestRequest()
        connection.isHTTP = false
        #expect(!RBACEvaluator.allows(tcp, connection))
    }

    @Test("istio.io/dry-run policies go to shadow rules with Istio's stat prefixes")
    func dryRun() throws {
        let yaml = F.policy("try-deny", annotations: "istio.io/dry-run: \"true\"", spec: "action: DENY\nrules:\n- {}")
            + F.policy("try-allow", annotations: "istio.io/dry-run: \"true\"", spec: "rules:\n- to:\n  - operation: {methods: [GET]}")
        let filters = InboundPolicyFilters(context: try F.context(yaml), proxy: try F.proxy())
        let configs = try F.httpRBAC(try filters.httpFilters())
        #expect(configs.count == 2)
        #expect(configs.allSatisfy { !$0.hasRules })
        #expect(configs.map(\.shadowRulesStatPrefix) == ["istio_dry_run_deny_", "istio_dry_run_allow_"])
        #expect(configs[0].shadowRules.policies.keys.sorted() == ["ns[foo]-policy[try-deny]-rule[0]"])
        #expect(RBACEvaluator.allows(configs.filter(\.hasRules).map(\.rules), TestRequest()), "nothing is enforced")
    }

    @Test("the same input gives byte-identical filters, also from a fresh PushContext")
    func deterministic() throws {
        let yaml = Self.mixed
            + F.policy("many", spec: """
                rules:
                - from: [{source: {principals: ["a/ns/b/sa/c"], namespaces: ["x", "y"]}}]
                  to: [{operation: {hosts: ["h1", "h2"], paths: ["/a", "/b"]}}]
                  when: [{key: "request.auth.claims[groups]", values: ["g1", "g2"]}]
                - to: [{operation: {ports: ["1", "2"]}}]
                - from: [{source: {ipBlocks: ["1.2.3.4"]}}]
                """)
            + F.requestAuthentication("jwt", spec: "jwtRules:\n- {issuer: b, jwks: '{\"keys\":[]}'}\n- {issuer: a, jwksUri: \"https://keys.example.com/jwks\"}")
        func bytes() throws -> [Data] {
            let filters = InboundPolicyFilters(context: try F.context(yaml), proxy: try F.proxy())
            var options = BinaryEncodingOptions()
            options.useDeterministicOrdering = true
            return try filters.httpFilters().map { try $0.serializedBytes(options: options) }
                + filters.networkFilters().map { try $0.serializedBytes(options: options) }
        }
        let first = try bytes()
        #expect(first.count == 7)
        #expect(try bytes() == first)
        let filters = InboundPolicyFilters(context: try F.context(yaml), proxy: try F.proxy())
        #expect(try filters.httpFilters() == filters.httpFilters())
    }
}
