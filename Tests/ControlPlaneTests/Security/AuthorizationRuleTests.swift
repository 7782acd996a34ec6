import ControlPlane
import Foundation
import Testing
import XDS

/// What each kind of AuthorizationPolicy rule lets through, asserted on the Envoy
/// config itself (field by field) and on the requests it would allow or deny.
@Suite("Security: AuthorizationPolicy rules → RBAC")
struct AuthorizationRuleTests {
    typealias F = SecurityFixtures

    /// The HTTP RBAC configs for the default proxy (`foo`, `app: httpbin`).
    static func http(_ yaml: String, mesh: MeshConfig = MeshConfig()) throws -> [Envoy_Config_Rbac_V3_RBAC] {
        let filters = InboundPolicyFilters(context: try F.context(yaml, mesh: mesh), proxy: try F.proxy())
        return try F.httpRBAC(try filters.httpFilters()).map(\.rules)
    }

    @Test("an empty spec denies everything: ALLOW with one policy that never matches")
    func emptySpecDeniesAll() throws {
        let rules = try Self.http(F.policy("deny-all", spec: "{}"))
        #expect(rules.count == 1)
        #expect(rules[0].action == .allow)
        let policy = try #require(rules[0].policies["ns[foo]-policy[deny-all]-rule[0]"])
        #expect(try F.json(policy) == #"{"permissions":[{"not_rule":{"any":true}}],"principals":[{"not_id":{"any":true}}]}"#)
        #expect(!RBACEvaluator.allows(rules, TestRequest()))
        #expect(!RBACEvaluator.allows(rules, .from("cluster.local/ns/foo/sa/sleep")))
    }

    @Test("an empty rule matches everything: ALLOW with `rules: [{}]` allows all")
    func emptyRuleAllowsAll() throws {
        let rules = try Self.http(F.policy("allow-all", spec: "rules:\n- {}"))
        let policy = try #require(rules[0].policies["ns[foo]-policy[allow-all]-rule[0]"])
        #expect(try F.json(policy) == #"{"permissions":[{"and_rules":{"rules":[{"any":true}]}}],"principals":[{"and_ids":{"ids":[{"any":true}]}}]}"#)
        #expect(RBACEvaluator.allows(rules, TestRequest()))
    }

    @Test("principals match the peer's SPIFFE id: exact, prefix, suffix and *")
    func principals() throws {
        let rules = try Self.http(F.policy("p", spec: """
            rules:
            - from:
              - source:
                  principals: ["cluster.local/ns/foo/sa/sleep", "cluster.local/ns/bar/*", "*/sa/admin", "*"]
                  notPrincipals: ["cluster.local/ns/foo/sa/blocked"]
            """))
        let policy = try #require(rules[0].policies["ns[foo]-policy[p]-rule[0]"])
        #expect(try F.json(policy.principals[0]) == """
            {"and_ids":{"ids":[{"or_ids":{"ids":[\
            {"authenticated":{"principal_name":{"exact":"spiffe://cluster.local/ns/foo/sa/sleep"}}},\
            {"authenticated":{"principal_name":{"prefix":"spiffe://cluster.local/ns/bar/"}}},\
            {"authenticated":{"principal_name":{"safe_regex":{"regex":"spiffe://.*/sa/admin"}}}},\
            {"authenticated":{"principal_name":{"safe_regex":{"regex":".+"}}}}]}},\
            {"not_id":{"or_ids":{"ids":[{"authenticated":{"principal_name":{"exact":"spiffe://cluster.local/ns/foo/sa/blocked"}}}]}}}]}}
            """)
        #expect(RBACEvaluator.allows(rules, .from("cluster.local/ns/foo/sa/sleep")))
        #expect(!RBACEvaluator.allows(rules, .from("cluster.local/ns/foo/sa/blocked")))
        #expect(!RBACEvaluator.allows(rules, TestRequest()), "plaintext has no principal")
    }

    @Test("only `*` principal: any authenticated peer, never plaintext")
    func anyPrincipal() throws {
        let rules = try Self.http(F.policy("p", spec: "rules:\n- from:\n  - source: {principals: [\"*\"]}"))
        #expect(RBACEvaluator.allows(rules, .from("other.domain/ns/x/sa/y")))
        #expect(!RBACEvaluator.allows(rules, TestRequest()))
    }

    @Test("principals in `cluster.local` mean the mesh's own trust domain")
    func trustDomain() throws {
        var mesh = MeshConfig()
        mesh.trustDomain = "example.org"
        let rules = try Self.http(
            F.policy("p", spec: "rules:\n- from:\n  - source: {principals: [\"cluster.local/ns/foo/sa/sleep\", \"other.org/ns/foo/sa/sleep\"]}"),
            mesh: mesh)
        #expect(RBACEvaluator.allows(rules, .from("example.org/ns/foo/sa/sleep")))
        #expect(!RBACEvaluator.allows(rules, .from("cluster.local/ns/foo/sa/sleep")))
        #expect(RBACEvaluator.allows(rules, .from("other.org/ns/foo/sa/sleep")), "other trust domains stay as written")
    }

    @Test("namespaces match `/ns/NS/` in the peer id, with * wildcards")
    func namespaces() throws {
        let rules = try Self.http(F.policy("p", spec: "rules:\n- from:\n  - source: {namespaces: [\"foo\", \"team-*\"], notNamespaces: [\"team-x\"]}"))
        let policy = try #require(rules[0].policies.values.first)
        #expect(try F.json(policy.principals[0]).contains(#"{"safe_regex":{"regex":".*/ns/foo/.*"}}"#))
        #expect(try F.json(policy.principals[0]).contains(#"{"safe_regex":{"regex":".*/ns/team-.*/.*"}}"#))
        #expect(RBACEvaluator.allows(rules, .from("cluster.local/ns/foo/sa/a")))
        #expect(RBACEvaluator.allows(rules, .from("cluster.local/ns/team-a/sa/a")))
        #expect(!RBACEvaluator.allows(rules, .from("cluster.local/ns/team-x/sa/a")))
        #expect(!RBACEvaluator.allows(rules, .from("cluster.local/ns/foobar/sa/a")))
    }

    @Test("ipBlocks match the direct peer, remoteIpBlocks the client after X-Forwarded-For")
    func ipBlocks() throws {
        let rules = try Self.http(F.policy("p", spec: """
            rules:
            - from:
              - source: {ipBlocks: ["10.0.0.0/16"], notIpBlocks: ["10.0.5.5"], remoteIpBlocks: ["192.168.1.0/24"]}
            """))
        let json = try F.json(try #require(rules[0].policies.values.first))
        #expect(json.contains(#"{"direct_remote_ip":{"address_prefix":"10.0.0.0","prefix_len":16}}"#))
        #expect(json.contains(#"{"direct_remote_ip":{"address_prefix":"10.0.5.5","prefix_len":32}}"#))
        #expect(json.contains(#"{"remote_ip":{"address_prefix":"192.168.1.0","prefix_len":24}}"#))
        var request = TestRequest()
        request.sourceIP = "10.0.1.1"
        request.remoteIP = "192.168.1.7"
        #expect(RBACEvaluator.allows([rules[0]], request))
        request.sourceIP = "10.0.5.5"
        #expect(!RBACEvaluator.allows([rules[0]], request))
        request.sourceIP = "10.0.1.1"
        request.remoteIP = "192.168.2.7"
        #expect(!RBACEvaluator.allows([rules[0]], request))
    }

    @Test("to: methods, paths (exact, prefix, suffix, *), hosts (case-insensitive) and ports")
    func operations() throws {
        let rules = try Self.http(F.policy("p", spec: """
            rules:
            - to:
              - operation:
                  methods: ["GET", "HEAD"]
                  paths: ["/info", "/api/*", "*.png"]
                  notPaths: ["/api/admin"]
                  hosts: ["httpbin.foo.svc.cluster.local", "*.example.com"]
                  ports: ["8000"]
            """))
        let policy = try #require(rules[0].policies["ns[foo]-policy[p]-rule[0]"])
        #expect(try F.json(policy.permissions[0]) == """
            {"and_rules":{"rules":[\
            {"or_rules":{"rules":[{"header":{"name":":authority","string_match":{"exact":"httpbin.foo.svc.cluster.local","ignore_case":true}}},\
            {"header":{"name":":authority","string_match":{"suffix":".example.com","ignore_case":true}}}]}},\
            {"or_rules":{"rules":[{"header":{"name":":method","string_match":{"exact":"GET"}}},{"header":{"name":":method","string_match":{"exact":"HEAD"}}}]}},\
            {"or_rules":{"rules":[{"url_path":{"path":{"exact":"/info"}}},{"url_path":{"path":{"prefix":"/api/"}}},{"url_path":{"path":{"suffix":".png"}}}]}},\
            {"not_rule":{"or_rules":{"rules":[{"url_path":{"path":{"exact":"/api/admin"}}}]}}},\
            {"or_rules":{"rules":[{"destination_port":8000}]}}]}}
            """)
        var request = TestRequest()
        request.path = "/api/users?x=1"
        #expect(RBACEvaluator.allows(rules, request))
        request.host = "WWW.Example.com"
        #expect(RBACEvaluator.allows(rules, request))
        request.path = "/api/admin"
        #expect(!RBACEvaluator.allows(rules, request))
        request.path = "/logo.png"
        request.method = "POST"
        #expect(!RBACEvaluator.allows(rules, request))
        request.method = "GET"
        request.port = 9000
        #expect(!RBACEvaluator.allows(rules, request), "to.ports limits the rule to its port")
    }

    @Test("when: headers, source.ip, source.namespace, destination.port, connection.sni")
    func conditions() throws {
        let rules = try Self.http(F.policy("p", spec: """
            rules:
            - when:
              - {key: "request.headers[x-token]", values: ["secret-*"]}
              - {key: source.ip, values: ["10.0.0.0/8"]}
              - {key: source.namespace, values: ["foo"]}
              - {key: destination.port, notValues: ["9999"]}
              - {key: connection.sni, values: ["*.foo.svc.cluster.local"]}
            """))
        let policy = try #require(rules[0].policies.values.first)
        #expect(try F.json(policy.permissions[0]) == """
            {"and_rules":{"rules":[{"not_rule":{"or_rules":{"rules":[{"destination_port":9999}]}}},\
            {"or_rules":{"rules":[{"requested_server_name":{"suffix":".foo.svc.cluster.local"}}]}}]}}
            """)
        #expect(try F.json(policy.principals[0]) == """
            {"and_ids":{"ids":[{"or_ids":{"ids":[{"header":{"name":"x-token","string_match":{"prefix":"secret-"}}}]}},\
            {"or_ids":{"ids":[{"direct_remote_ip":{"address_prefix":"10.0.0.0","prefix_len":8}}]}},\
            {"or_ids":{"ids":[{"authenticated":{"principal_name":{"safe_regex":{"regex":".*/ns/foo/.*"}}}}]}}]}}
            """)
        var request = TestRequest.from("cluster.local/ns/foo/sa/sleep")
        request.headers["x-token"] = "secret-1"
        request.sni = "outbound_.8000_._.httpbin.foo.svc.cluster.local"
        #expect(RBACEvaluator.allows(rules, request))
        request.headers["x-token"] = "other"
        #expect(!RBACEvaluator.allows(rules, request))
    }

    @Test("request principals and claims are read from jwt_authn's metadata")
    func jwtAttributes() throws {
        let rules = try Self.http(F.policy("p", spec: """
            rules:
            - from:
              - source: {requestPrincipals: ["https://issuer.example/alice", "https://other.example/*"]}
              when:
              - {key: "request.auth.claims[groups]", values: ["admins"]}
              - {key: request.auth.audiences, values: ["httpbin"]}
              - {key: request.auth.presenter, values: ["web-*"]}
            """))
        let policy = try #require(rules[0].policies.values.first)
        let json = try F.json(policy.principals[0])
        #expect(json.contains("""
            {"and_ids":{"ids":[{"metadata":{"filter":"envoy.filters.http.jwt_authn","path":[{"key":"payload"},{"key":"iss"}],\
            "value":{"string_match":{"exact":"https://issuer.example"}}}},\
            {"metadata":{"filter":"envoy.filters.http.jwt_authn","path":[{"key":"payload"},{"key":"sub"}],\
            "value":{"string_match":{"exact":"alice"}}}}]}}
            """))
        #expect(json.contains("""
            {"metadata":{"filter":"envoy.filters.http.jwt_authn","path":[{"key":"payload"},{"key":"groups"}],\
            "value":{"or_match":{"value_matchers":[{"list_match":{"one_of":{"string_match":{"exact":"admins"}}}},\
            {"string_match":{"exact":"admins"}}]}}}}
            """))
        var request = TestRequest()
        request.jwt = [
            "iss": .string("https://issuer.example"), "sub": .string("alice"), "groups": .list(["dev", "admins"]),
            "aud": .string("httpbin"), "azp": .string("web-ui"),
        ]
        #expect(RBACEvaluator.allows(rules, request))
        request.jwt?["sub"] = .string("bob")
        #expect(!RBACEvaluator.allows(rules, request))
        request.jwt?["iss"] = .string("https://other.example")
        #expect(RBACEvaluator.allows(rules, request), "ISS/* matches any subject of that issuer")
        request.jwt?["groups"] = .string("dev")
        #expect(!RBACEvaluator.allows(rules, request))
        #expect(!RBACEvaluator.allows(rules, TestRequest()), "no token, no request principal")
    }

    @Test("serviceAccounts: `SA` in the policy's namespace or `NS/SA`")
    func serviceAccounts() throws {
        let rules = try Self.http(F.policy("p", spec: "rules:\n- from:\n  - source: {serviceAccounts: [\"sleep\", \"bar/api\"]}"))
        #expect(RBACEvaluator.allows(rules, .from("cluster.local/ns/foo/sa/sleep")))
        #expect(RBACEvaluator.allows(rules, .from("cluster.local/ns/bar/sa/api")))
        #expect(!RBACEvaluator.allows(rules, .from("cluster.local/ns/bar/sa/sleep")))
        #expect(!RBACEvaluator.allows(rules, .from("cluster.local/ns/foo/sa/sleep-2")))
    }

    @Test("several from and to entries: any from and any to")
    func alternatives() throws {
        let rules = try Self.http(F.policy("p", spec: """
            rules:
            - from:
              - source: {namespaces: ["a"]}
              - source: {namespaces: ["b"]}
              to:
              - operation: {methods: ["GET"]}
              - operation: {paths: ["/public"]}
            """))
        let policy = try #require(rules[0].policies.values.first)
        #expect(policy.principals.count == 2)
        #expect(policy.permissions.count == 2)
        var request = TestRequest.from("cluster.local/ns/b/sa/x")
        request.method = "POST"
        request.path = "/public"
        #expect(RBACEvaluator.allows(rules, request))
        request.path = "/private"
        #expect(!RBACEvaluator.allows(rules, request))
    }
}
