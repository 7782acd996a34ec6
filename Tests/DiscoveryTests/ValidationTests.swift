import Testing

@testable import Discovery

/// A VirtualService in `demo` with `http` as its only route list.
private func virtualService(http: String, hosts: String = "[reviews]", extra: String = "") -> String {
    """
    apiVersion: networking.istio.io/v1
    kind: VirtualService
    metadata: {name: reviews, namespace: demo}
    spec:
      hosts: \(hosts)
      \(extra)
      http:
    \(http)
    """
}

/// Each case: a failing object with the exact finding, and its passing counterpart.
private struct Rule: Sendable, CustomTestStringConvertible {
    var name: String
    var failing: String
    var expected: String
    var passing: String
    var testDescription: String { name }
}

private let rules: [Rule] = [
    Rule(
        name: "route weights sum to 100",
        failing: virtualService(http: """
              - route:
                - {destination: {host: reviews, subset: v1}, weight: 80}
                - {destination: {host: reviews, subset: v2}, weight: 10}
            """),
        expected: "spec.http[0].route: weights sum to 90, must be 100",
        passing: virtualService(http: """
              - route:
                - {destination: {host: reviews, subset: v1}, weight: 90}
                - {destination: {host: reviews, subset: v2}, weight: 10}
            """)),
    Rule(
        name: "a single destination needs no weight",
        failing: virtualService(http: """
              - route:
                - {destination: {host: reviews, subset: v1}, weight: -5}
            """),
        expected: "spec.http[0].route[0].weight: weight -5 must not be negative",
        passing: virtualService(http: """
              - route:
                - {destination: {host: reviews, subset: v1}}
            """)),
    Rule(
        name: "regex without backreferences (RE2)",
        failing: virtualService(http: #"""
              - match: [{uri: {regex: "/(a)\\1"}}]
                route: [{destination: {host: reviews}}]
            """#),
        expected: #"spec.http[0].match[0].uri.regex: invalid regex "/(a)\1": the backreference \1 is not supported by RE2"#,
        passing: virtualService(http: #"""
              - match: [{uri: {regex: "/(a)+[0-9]{2,3}"}}]
                route: [{destination: {host: reviews}}]
            """#)),
    Rule(
        name: "regex without lookaround (RE2)",
        failing: virtualService(http: """
              - match: [{headers: {x-user: {regex: "^(?!admin).*"}}}]
                route: [{destination: {host: reviews}}]
            """),
        expected: #"spec.http[0].match[0].headers.x-user.regex: invalid regex "^(?!admin).*": lookahead is not supported by RE2"#,
        passing: virtualService(http: """
              - match: [{headers: {x-user: {regex: "^(?P<name>[a-z]+)$"}}}]
                route: [{destination: {host: reviews}}]
            """)),
    Rule(
        name: "regex compiles",
        failing: virtualService(http: """
              - match: [{uri: {regex: "/api/(v1"}}]
                route: [{destination: {host: reviews}}]
            """),
        expected: #"spec.http[0].match[0].uri.regex: invalid regex "/api/(v1": does not compile"#,
        passing: virtualService(http: """
              - match: [{uri: {regex: "/api/(v1|v2)"}}]
                route: [{destination: {host: reviews}}]
            """)),
    Rule(
        name: "hosts are DNS names or wildcards",
        failing: virtualService(http: "  - route: [{destination: {host: reviews}}]", hosts: "[\"rev_iews.example.com\"]"),
        expected: #"spec.hosts[0]: host "rev_iews.example.com" is not a valid DNS name (label "rev_iews")"#,
        passing: virtualService(http: "  - route: [{destination: {host: reviews}}]", hosts: "[\"*.example.com\", \"*\", reviews]")),
    Rule(
        name: "a wildcard is a whole label",
        failing: virtualService(http: "  - route: [{destination: {host: reviews}}]", hosts: "[\"*foo.example.com\"]"),
        expected: #"spec.hosts[0]: host "*foo.example.com": a wildcard must be the whole first label ("*" or "*.example.com")"#,
        passing: virtualService(http: "  - route: [{destination: {host: reviews}}]", hosts: "[\"*.foo.example.com\"]")),
    Rule(
        name: "ports are 1-65535",
        failing: virtualService(http: "  - route: [{destination: {host: reviews, port: {number: 70000}}}]"),
        expected: "spec.http[0].route[0].destination.port.number: port 70000 is out of range 1-65535",
        passing: virtualService(http: "  - route: [{destination: {host: reviews, port: {number: 9080}}}]")),
    Rule(
        name: "durations are positive",
        failing: virtualService(http: "  - {route: [{destination: {host: reviews}}], timeout: 0s}"),
        expected: #"spec.http[0].timeout: duration "0s" must be at least 1ms"#,
        passing: virtualService(http: "  - {route: [{destination: {host: reviews}}], timeout: 1.5s}")),
    Rule(
        name: "perTryTimeout within the timeout",
        failing: virtualService(http: "  - {route: [{destination: {host: reviews}}], timeout: 1s, retries: {attempts: 3, perTryTimeout: 2s}}"),
        expected: "spec.http[0].retries.perTryTimeout: perTryTimeout 2s is longer than the route's timeout 1s",
        passing: virtualService(http: "  - {route: [{destination: {host: reviews}}], timeout: 10s, retries: {attempts: 3, perTryTimeout: 2s}}")),
    Rule(
        name: "retry attempts not negative",
        failing: virtualService(http: "  - {route: [{destination: {host: reviews}}], retries: {attempts: -1}}"),
        expected: "spec.http[0].retries.attempts: attempts -1 must not be negative",
        passing: virtualService(http: "  - {route: [{destination: {host: reviews}}], retries: {attempts: 0}}")),
    Rule(
        name: "retryOn lists known policies",
        failing: virtualService(http: "  - {route: [{destination: {host: reviews}}], retries: {attempts: 2, retryOn: \"5xx,sometimes\"}}"),
        expected: #"spec.http[0].retries.retryOn: unknown retry policy "sometimes""#,
        passing: virtualService(http: "  - {route: [{destination: {host: reviews}}], retries: {attempts: 2, retryOn: \"5xx,503,reset\"}}")),
    Rule(
        name: "one action per HTTP route",
        failing: virtualService(http: "  - {route: [{destination: {host: reviews}}], redirect: {uri: /v2}}"),
        expected: "spec.http[0]: only one of route, redirect, directResponse or delegate may be set",
        passing: virtualService(http: "  - {redirect: {uri: /v2, redirectCode: 301}}")),
    Rule(
        name: "redirect codes",
        failing: virtualService(http: "  - {redirect: {uri: /v2, redirectCode: 200}}"),
        expected: "spec.http[0].redirect.redirectCode: redirect code 200 must be one of 301, 302, 303, 307, 308",
        passing: virtualService(http: "  - {redirect: {uri: /v2, redirectCode: 308}}")),
    Rule(
        name: "fault percentages 0-100 and abort status",
        failing: virtualService(http: "  - {route: [{destination: {host: reviews}}], fault: {abort: {httpStatus: 700, percentage: {value: 150}}}}"),
        expected: "spec.http[0].fault.abort.httpStatus: status 700 must be in 200-599",
        passing: virtualService(http: "  - {route: [{destination: {host: reviews}}], fault: {abort: {httpStatus: 503, percentage: {value: 10}}}}")),
    Rule(
        name: "gateways are mesh or [namespace/]name",
        failing: virtualService(http: "  - route: [{destination: {host: reviews}}]", extra: "gateways: [\"a/b/c\"]"),
        expected: #"spec.gateways[0]: "a/b/c" is not "mesh" or a gateway as [namespace/]name"#,
        passing: virtualService(http: "  - route: [{destination: {host: reviews}}]", extra: "gateways: [mesh, istio-system/public]")),
    Rule(
        name: "exportTo entries",
        failing: virtualService(http: "  - route: [{destination: {host: reviews}}]", extra: "exportTo: [\"*\", Bad_NS]"),
        expected: #"spec.exportTo[1]: "Bad_NS" is not ".", "*", "~" or a namespace name"#,
        passing: virtualService(http: "  - route: [{destination: {host: reviews}}]", extra: "exportTo: [\".\", istio-system]")),
    Rule(
        name: "subset names are unique",
        failing: """
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: reviews, namespace: demo}
            spec: {host: reviews, subsets: [{name: v1, labels: {version: v1}}, {name: v1, labels: {version: v2}}]}
            """,
        expected: #"spec.subsets[1].name: duplicate subset name "v1""#,
        passing: """
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: reviews, namespace: demo}
            spec: {host: reviews, subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]}
            """),
    Rule(
        name: "outlier detection percentages",
        failing: """
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: reviews, namespace: demo}
            spec: {host: reviews, trafficPolicy: {outlierDetection: {maxEjectionPercent: 120, interval: 10s}}}
            """,
        expected: "spec.trafficPolicy.outlierDetection.maxEjectionPercent: percentage 120.0 must be between 0 and 100",
        passing: """
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: reviews, namespace: demo}
            spec: {host: reviews, trafficPolicy: {outlierDetection: {maxEjectionPercent: 100, interval: 10s}}}
            """),
    Rule(
        name: "MUTUAL client TLS needs certificates",
        failing: """
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: db, namespace: demo}
            spec: {host: db.example.com, trafficPolicy: {tls: {mode: MUTUAL}}}
            """,
        expected: "spec.trafficPolicy.tls: MUTUAL needs clientCertificate and privateKey, or credentialName",
        passing: """
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: db, namespace: demo}
            spec: {host: db.example.com, trafficPolicy: {tls: {mode: MUTUAL, credentialName: db-client}}}
            """),
    Rule(
        name: "selector label keys and values",
        failing: """
            apiVersion: security.istio.io/v1
            kind: PeerAuthentication
            metadata: {name: p, namespace: demo}
            spec: {selector: {matchLabels: {"app/": "-bad"}}}
            """,
        expected: #"spec.selector.matchLabels["app/"]: invalid label key "app/": name must be 63 characters or less, alphanumeric, '-', '_' or '.', starting and ending alphanumeric"#,
        passing: """
            apiVersion: security.istio.io/v1
            kind: PeerAuthentication
            metadata: {name: p, namespace: demo}
            spec: {selector: {matchLabels: {app.kubernetes.io/name: reviews}}}
            """),
    Rule(
        name: "label values",
        failing: """
            apiVersion: networking.istio.io/v1
            kind: WorkloadEntry
            metadata: {name: w, namespace: demo}
            spec: {address: 127.0.0.1, labels: {version: "-v1"}}
            """,
        expected: #"spec.labels.version: invalid label value "-v1": must be 63 characters or less, alphanumeric, '-', '_' or '.', starting and ending alphanumeric"#,
        passing: """
            apiVersion: networking.istio.io/v1
            kind: WorkloadEntry
            metadata: {name: w, namespace: demo}
            spec: {address: 127.0.0.1, labels: {version: "v1"}}
            """),
    Rule(
        name: "portLevelMtls needs a selector",
        failing: """
            apiVersion: security.istio.io/v1
            kind: PeerAuthentication
            metadata: {name: p, namespace: demo}
            spec: {mtls: {mode: STRICT}, portLevelMtls: {"8080": {mode: DISABLE}}}
            """,
        expected: "spec.portLevelMtls: needs a non-empty selector",
        passing: """
            apiVersion: security.istio.io/v1
            kind: PeerAuthentication
            metadata: {name: p, namespace: demo}
            spec: {selector: {matchLabels: {app: a}}, mtls: {mode: STRICT}, portLevelMtls: {"8080": {mode: DISABLE}}}
            """),
    Rule(
        name: "CUSTOM needs a provider",
        failing: """
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: ext, namespace: demo}
            spec: {action: CUSTOM, rules: [{to: [{operation: {paths: ["/admin"]}}]}]}
            """,
        expected: "spec.provider.name: a CUSTOM action needs a provider",
        passing: """
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: ext, namespace: demo}
            spec: {action: CUSTOM, provider: {name: my-ext-authz}, rules: [{to: [{operation: {paths: ["/admin"]}}]}]}
            """),
    Rule(
        name: "a provider only with CUSTOM",
        failing: """
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: deny, namespace: demo}
            spec: {action: DENY, provider: {name: my-ext-authz}, rules: [{from: [{source: {notNamespaces: [demo]}}]}]}
            """,
        expected: "spec.provider: a provider is only allowed with the CUSTOM action",
        passing: """
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: deny, namespace: demo}
            spec: {action: DENY, rules: [{from: [{source: {notNamespaces: [demo]}}]}]}
            """),
    Rule(
        name: "rule sources are not empty",
        failing: """
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: allow, namespace: demo}
            spec: {rules: [{from: [{source: {}}]}]}
            """,
        expected: "spec.rules[0].from[0].source: must not be empty",
        passing: """
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: allow, namespace: demo}
            spec: {rules: [{from: [{source: {ipBlocks: ["10.0.0.0/8"]}}]}]}
            """),
    Rule(
        name: "conditions use known keys and have values",
        failing: """
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: allow, namespace: demo}
            spec: {rules: [{when: [{key: request.color, values: [blue]}]}]}
            """,
        expected: #"spec.rules[0].when[0].key: unknown key "request.color""#,
        passing: """
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: allow, namespace: demo}
            spec: {rules: [{when: [{key: "request.headers[x-color]", values: [blue]}]}]}
            """),
    Rule(
        name: "operation ports are numbers",
        failing: """
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: allow, namespace: demo}
            spec: {rules: [{to: [{operation: {ports: ["http"]}}]}]}
            """,
        expected: #"spec.rules[0].to[0].operation.ports[0]: "http" is not a port in 1-65535"#,
        passing: """
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: allow, namespace: demo}
            spec: {rules: [{to: [{operation: {ports: ["8080"]}}]}]}
            """),
    Rule(
        name: "JWT rules need an issuer and an http(s) JWKS URI",
        failing: """
            apiVersion: security.istio.io/v1
            kind: RequestAuthentication
            metadata: {name: jwt, namespace: demo}
            spec: {jwtRules: [{jwksUri: "ftp://keys.example.com/jwks.json"}]}
            """,
        expected: "spec.jwtRules[0].issuer: required",
        passing: """
            apiVersion: security.istio.io/v1
            kind: RequestAuthentication
            metadata: {name: jwt, namespace: demo}
            spec: {jwtRules: [{issuer: "https://issuer.example.com", jwksUri: "https://keys.example.com/jwks.json"}]}
            """),
    Rule(
        name: "HTTPS gateway servers need TLS",
        failing: """
            apiVersion: networking.istio.io/v1
            kind: Gateway
            metadata: {name: gw, namespace: demo}
            spec: {selector: {istio: ingressgateway}, servers: [{port: {number: 443, name: https, protocol: HTTPS}, hosts: ["*"]}]}
            """,
        expected: "spec.servers[0].tls: an HTTPS server needs tls settings",
        passing: """
            apiVersion: networking.istio.io/v1
            kind: Gateway
            metadata: {name: gw, namespace: demo}
            spec: {selector: {istio: ingressgateway}, servers: [{port: {number: 443, name: https, protocol: HTTPS}, hosts: ["*"], tls: {mode: SIMPLE, credentialName: cert}}]}
            """),
    Rule(
        name: "gateway port protocols",
        failing: """
            apiVersion: networking.istio.io/v1
            kind: Gateway
            metadata: {name: gw, namespace: demo}
            spec: {servers: [{port: {number: 8080, name: http, protocol: HTTP3000}, hosts: ["*"]}]}
            """,
        expected: #"spec.servers[0].port.protocol: unknown protocol "HTTP3000""#,
        passing: """
            apiVersion: networking.istio.io/v1
            kind: Gateway
            metadata: {name: gw, namespace: demo}
            spec: {servers: [{port: {number: 8080, name: http, protocol: http}, hosts: ["*"]}]}
            """),
    Rule(
        name: "STATIC service entries have IP endpoints",
        failing: """
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata: {name: db, namespace: demo}
            spec: {hosts: [db.internal], ports: [{number: 5432, name: tcp, protocol: TCP}], resolution: STATIC, endpoints: [{address: db.example.com}]}
            """,
        expected: #"spec.endpoints[0].address: STATIC resolution needs an IP address, not "db.example.com""#,
        passing: """
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata: {name: db, namespace: demo}
            spec: {hosts: [db.internal], ports: [{number: 5432, name: tcp, protocol: TCP}], resolution: STATIC, endpoints: [{address: 10.1.2.3}]}
            """),
    Rule(
        name: "service entry ports are unique",
        failing: """
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata: {name: api, namespace: demo}
            spec: {hosts: [api.example.com], ports: [{number: 443, name: https, protocol: TLS}, {number: 443, name: tls, protocol: TLS}], resolution: DNS}
            """,
        expected: "spec.ports[1].number: duplicate port 443",
        passing: """
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata: {name: api, namespace: demo}
            spec: {hosts: [api.example.com], ports: [{number: 443, name: https, protocol: TLS}], resolution: DNS}
            """),
    Rule(
        name: "sidecar egress hosts are namespace/host",
        failing: """
            apiVersion: networking.istio.io/v1
            kind: Sidecar
            metadata: {name: default, namespace: demo}
            spec: {egress: [{hosts: [reviews.demo.svc.cluster.local]}]}
            """,
        expected: #"spec.egress[0].hosts[0]: "reviews.demo.svc.cluster.local" must be namespace/host"#,
        passing: """
            apiVersion: networking.istio.io/v1
            kind: Sidecar
            metadata: {name: default, namespace: demo}
            spec: {egress: [{hosts: ["./*", "istio-system/*"]}]}
            """),
    Rule(
        name: "sidecar default endpoints",
        failing: """
            apiVersion: networking.istio.io/v1
            kind: Sidecar
            metadata: {name: default, namespace: demo}
            spec: {ingress: [{port: {number: 9080, protocol: HTTP, name: http}, defaultEndpoint: "10.0.0.1"}]}
            """,
        expected: #"spec.ingress[0].defaultEndpoint: "10.0.0.1" must be IP:PORT or unix://path"#,
        passing: """
            apiVersion: networking.istio.io/v1
            kind: Sidecar
            metadata: {name: default, namespace: demo}
            spec: {ingress: [{port: {number: 9080, protocol: HTTP, name: http}, defaultEndpoint: "127.0.0.1:8080"}]}
            """),
    Rule(
        name: "object names are DNS-1123",
        failing: """
            apiVersion: networking.istio.io/v1
            kind: WorkloadEntry
            metadata: {name: Reviews_V1, namespace: demo}
            spec: {address: 127.0.0.1}
            """,
        expected: #"metadata.name: "Reviews_V1" is not a valid name (lowercase DNS-1123 subdomain)"#,
        passing: """
            apiVersion: networking.istio.io/v1
            kind: WorkloadEntry
            metadata: {name: reviews-v1, namespace: demo}
            spec: {address: 127.0.0.1}
            """),
    Rule(
        name: "Service ports",
        failing: """
            apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: demo}
            spec: {ports: [{name: http, port: 0}]}
            """,
        expected: "spec.ports[0].port: port 0 is out of range 1-65535",
        passing: """
            apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: demo}
            spec: {ports: [{name: http, port: 80, targetPort: 8080}]}
            """),
    Rule(
        name: "Gateway API listeners are unique",
        failing: """
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: gw, namespace: demo}
            spec: {gatewayClassName: istio, listeners: [{name: http, port: 80, protocol: HTTP}, {name: http, port: 8080, protocol: HTTP}]}
            """,
        expected: #"spec.listeners[1].name: duplicate listener name "http""#,
        passing: """
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: gw, namespace: demo}
            spec: {gatewayClassName: istio, listeners: [{name: http, port: 80, protocol: HTTP}, {name: alt, port: 8080, protocol: HTTP}]}
            """),
    Rule(
        name: "HTTPRoute regex paths are RE2",
        failing: """
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: r, namespace: demo}
            spec: {rules: [{matches: [{path: {type: RegularExpression, value: "/(?<=a)b"}}], backendRefs: [{name: web, port: 80}]}]}
            """,
        expected: #"spec.rules[0].matches[0].path.value: invalid regex "/(?<=a)b": lookbehind is not supported by RE2"#,
        passing: """
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: r, namespace: demo}
            spec: {rules: [{matches: [{path: {type: RegularExpression, value: "/v[0-9]+/.*"}}], backendRefs: [{name: web, port: 80}]}]}
            """),
]

@Suite("Validation of single objects")
struct ValidationTests {
    @Test("each rule rejects its failing case and accepts its passing case", arguments: rules)
    fileprivate func rule(_ rule: Rule) throws {
        let failing = try errors(rule.failing)
        #expect(failing.contains(rule.expected), "got \(failing)")
        #expect(try errors(rule.passing) == [])
    }

    @Test("findings name the object: Kind ns/name: path: message")
    func describesObject() throws {
        let object = try #require(try rawObjects(rules[0].failing).first)
        let decoded = try ResourceDecoder.decode(object)
        let finding = try #require(ResourceValidator.validate(decoded.resource).errors.first)
        #expect(finding.describe(object.key) == "VirtualService demo/reviews: spec.http[0].route: weights sum to 90, must be 100")
    }

    @Test("a DENY policy without rules is accepted with a warning")
    func denyWithoutRules() throws {
        let all = try findings("""
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: deny-nothing, namespace: demo}
            spec: {action: DENY}
            """)
        #expect(all == ["spec.rules: a DENY policy without rules matches nothing"])
        #expect(try errors("""
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: allow-nothing, namespace: demo}
            spec: {}
            """) == [])
    }

    @Test("RE2 rules: what RE2 lacks is refused, what it has is accepted")
    func re2() {
        for bad in [#"(a)\1"#, "(?=x)", "(?!x)", "(?<=x)", "(?<!x)", "(?>x)", "a++", "a*+", #"\k<n>"#, "(?(1)a|b)", #"a\Z"#] {
            #expect(RE2Rules.unsupportedConstruct(bad) != nil, "\(bad)")
        }
        for good in ["a+?", "[(?=]", #"\\1"#, "(?i)abc", "(?P<year>[0-9]{4})", "[[:alpha:]]+", "(?:a|b)*", #"\d+\.\d+"#, "a{2}"] {
            #expect(RE2Rules.problem(good) == nil, "\(good)")
        }
    }
}
