import ControlPlane
import Discovery
import SwiftProtobuf
import Testing
import XDS

/// Matches: what requests each Envoy route selects, and which matches are dropped
/// because they can never apply to the proxy. Every output is validated by Envoy.
@Suite("HTTP routes: matches", .serialized)
struct RouteMatchTests {
    @Test("uri exact, prefix and regex become path, prefix and safe_regex; ignoreUriCase turns case sensitivity off")
    func uri() async throws {
        let routes = try await RouteFixtures.routes(
            """
            [{"match": [{"uri": {"exact": "/login"}},
                        {"uri": {"prefix": "/api/"}, "ignoreUriCase": true},
                        {"uri": {"regex": "/v[0-9]+/.*"}}],
              "route": [{"destination": {"host": "reviews"}}]}]
            """)
        #expect(routes.count == 3)
        #expect(routes[0].match.pathSpecifier == .path("/login"))
        #expect(routes[0].match.caseSensitive.value == true)
        #expect(routes[1].match.pathSpecifier == .prefix("/api/"))
        #expect(routes[1].match.caseSensitive.value == false)
        guard case .safeRegex(let regex)? = routes[2].match.pathSpecifier else {
            Issue.record("expected safe_regex")
            return
        }
        #expect(regex.regex == "/v[0-9]+/.*")
    }

    @Test("headers: exact, prefix, regex and present; withoutHeaders are inverted and treat a missing header as empty")
    func headers() async throws {
        let route = try await RouteFixtures.route(
            """
            [{"match": [{"headers": {"end-user": {"exact": "jason"}, "x-b": {"prefix": "v"},
                                     "x-c": {"regex": "a+b"}, "x-d": {}},
                         "withoutHeaders": {"x-canary": {"exact": "true"}, "x-debug": {}}}],
              "route": [{"destination": {"host": "reviews"}}]}]
            """)
        #expect(route.match.headers.map(\.name) == ["end-user", "x-b", "x-c", "x-canary", "x-d", "x-debug"])
        #expect(try RouteFixtures.header(route, "end-user").stringMatch.exact == "jason")
        #expect(try RouteFixtures.header(route, "x-b").stringMatch.prefix == "v")
        #expect(try RouteFixtures.header(route, "x-c").stringMatch.safeRegex.regex == "a+b")
        #expect(try RouteFixtures.header(route, "x-d").presentMatch == true)
        let canary = try RouteFixtures.header(route, "x-canary")
        #expect(canary.invertMatch && canary.treatMissingHeaderAsEmpty && canary.stringMatch.exact == "true")
        let debug = try RouteFixtures.header(route, "x-debug")
        #expect(debug.invertMatch && debug.presentMatch && !debug.treatMissingHeaderAsEmpty)
    }

    @Test("method, authority and scheme match the :method, :authority and :scheme pseudo-headers, after the others")
    func pseudoHeaders() async throws {
        let route = try await RouteFixtures.route(
            """
            [{"match": [{"method": {"exact": "GET"}, "authority": {"prefix": "reviews"},
                         "scheme": {"exact": "https"}, "headers": {"x-a": {"exact": "1"}}}],
              "route": [{"destination": {"host": "reviews"}}]}]
            """)
        #expect(route.match.headers.map(\.name) == ["x-a", ":method", ":authority", ":scheme"])
        #expect(try RouteFixtures.header(route, ":method").stringMatch.exact == "GET")
        #expect(try RouteFixtures.header(route, ":authority").stringMatch.prefix == "reviews")
    }

    @Test("queryParams become query parameter matchers, sorted by name; an empty match asks for presence")
    func queryParams() async throws {
        let route = try await RouteFixtures.route(
            """
            [{"match": [{"queryParams": {"version": {"exact": "2"}, "debug": {}, "id": {"regex": "[0-9]+"}}}],
              "route": [{"destination": {"host": "reviews"}}]}]
            """)
        let parameters = route.match.queryParameters
        #expect(parameters.map(\.name) == ["debug", "id", "version"])
        #expect(parameters[0].presentMatch)
        #expect(parameters[1].stringMatch.safeRegex.regex == "[0-9]+")
        #expect(parameters[2].stringMatch.exact == "2")
    }

    @Test("a match on another port is dropped; one on the listener port is kept")
    func port() async throws {
        let json = """
            [{"match": [{"port": 9090, "uri": {"prefix": "/a"}}, {"port": 8080, "uri": {"prefix": "/b"}}],
              "route": [{"destination": {"host": "reviews"}}]}]
            """
        #expect(try await RouteFixtures.routes(json).map(\.match.pathSpecifier) == [.prefix("/b")])
        #expect(try await RouteFixtures.routes(json, context: RouteFixtures.sidecar(port: 9090)).map(\.match.pathSpecifier) == [.prefix("/a")])
    }

    @Test("sourceLabels and sourceNamespace keep a match only for proxies that carry the labels and live in the namespace")
    func source() async throws {
        let json = """
            [{"match": [{"sourceLabels": {"app": "client"}, "uri": {"prefix": "/labels"}},
                        {"sourceLabels": {"app": "other"}, "uri": {"prefix": "/other"}},
                        {"sourceNamespace": "prod", "uri": {"prefix": "/prod"}}],
              "route": [{"destination": {"host": "reviews"}}]}]
            """
        #expect(try await RouteFixtures.routes(json).map(\.match.pathSpecifier) == [.prefix("/labels")])
        let prod = RouteFixtures.sidecar(labels: ["app": "other"], namespace: "prod")
        #expect(try await RouteFixtures.routes(json, context: prod).map(\.match.pathSpecifier) == [.prefix("/other"), .prefix("/prod")])
    }

    @Test("a match's gateways decide alone: short names resolve in the VirtualService's namespace, mesh means sidecars")
    func gateways() async throws {
        let json = """
            [{"match": [{"gateways": ["ingress"], "uri": {"prefix": "/gw"}},
                        {"gateways": ["mesh"], "uri": {"prefix": "/mesh"}},
                        {"gateways": ["istio-system/public"], "sourceLabels": {"app": "nobody"}, "uri": {"prefix": "/public"}}],
              "route": [{"destination": {"host": "reviews"}}]}]
            """
        #expect(try await RouteFixtures.routes(json).map(\.match.pathSpecifier) == [.prefix("/mesh")])
        var gateway = RouteFixtures.sidecar()
        gateway.gateways = ["default/ingress", "istio-system/public"]
        #expect(try await RouteFixtures.routes(json, context: gateway).map(\.match.pathSpecifier) == [.prefix("/gw"), .prefix("/public")])
    }

    @Test("gateway references resolve as Istio's: name and ./name in the VirtualService's namespace, legacy name.ns[.svc...] to ns/name")
    func gatewayNames() {
        let context = RouteFixtures.sidecar()
        #expect(context.resolveGateway("ingress") == "default/ingress")
        #expect(context.resolveGateway("./ingress") == "default/ingress")
        #expect(context.resolveGateway("istio-system/ingress") == "istio-system/ingress")
        #expect(context.resolveGateway("ingress.istio-system") == "istio-system/ingress")
        #expect(context.resolveGateway("ingress.istio-system.svc.cluster.local") == "istio-system/ingress")
        #expect(context.resolveGateway("mesh") == "mesh")
    }

    @Test("routes are named NAME or NAME.MATCH, carry the VirtualService in metadata, and a tracing operation")
    func namesAndMetadata() async throws {
        let routes = try await RouteFixtures.routes(
            """
            [{"name": "v2", "match": [{"name": "jason", "headers": {"end-user": {"exact": "jason"}}}, {"uri": {"exact": "/x"}}],
              "route": [{"destination": {"host": "reviews", "subset": "v2", "port": {"number": 9080}}}]},
             {"route": [{"destination": {"host": "reviews", "subset": "v1"}, "weight": 90},
                        {"destination": {"host": "ratings"}, "weight": 10}]}]
            """)
        #expect(routes.map(\.name) == ["v2.jason", "v2", ""])
        let config = routes[0].metadata.filterMetadata["istio"]?.fields["config"]?.stringValue
        #expect(config == "/apis/networking.istio.io/v1/namespaces/default/virtual-service/reviews")
        #expect(routes[0].decorator.operation == "reviews.default.svc.cluster.local:9080/*")
        #expect(routes[1].decorator.operation == "reviews.default.svc.cluster.local:9080/x")
        #expect(routes[2].decorator.operation == "reviews:8080/*")
    }

    @Test("statPrefix is the route's stat prefix")
    func statPrefix() async throws {
        let route = try await RouteFixtures.route(
            """
            [{"match": [{"uri": {"prefix": "/a"}, "statPrefix": "reviews_a"}], "route": [{"destination": {"host": "reviews"}}]}]
            """)
        #expect(route.statPrefix == "reviews_a")
    }

    @Test("nothing after a route that matches every request is kept: Envoy could never reach it")
    func catchAll() async throws {
        let routes = try await RouteFixtures.routes(
            """
            [{"match": [{"uri": {"prefix": "/a"}}, {"uri": {"prefix": "/"}}, {"uri": {"prefix": "/never"}}],
              "route": [{"destination": {"host": "reviews"}}]},
             {"route": [{"destination": {"host": "ratings"}}]}]
            """)
        #expect(routes.map(\.match.pathSpecifier) == [.prefix("/a"), .prefix("/")])
        let afterDefault = try await RouteFixtures.routes(
            """
            [{"route": [{"destination": {"host": "reviews"}}]},
             {"match": [{"uri": {"prefix": "/late"}}], "route": [{"destination": {"host": "ratings"}}]}]
            """)
        #expect(afterDefault.count == 1)
    }

    @Test("delegating routes and matches on JWT claims give no Envoy route")
    func leftToOthers() async throws {
        let routes = try await RouteFixtures.routes(
            """
            [{"match": [{"uri": {"prefix": "/d"}}], "delegate": {"name": "child", "namespace": "ns"}},
             {"match": [{"headers": {"@request.auth.claims.group": {"exact": "admin"}}}], "route": [{"destination": {"host": "admin"}}]},
             {"route": [{"destination": {"host": "reviews"}}]}]
            """)
        #expect(routes.count == 1)
        #expect(try RouteFixtures.action(routes[0]).cluster == "outbound|8080||reviews.default.svc.cluster.local")
    }

    @Test("equal input gives byte-identical routes: lists built from YAML maps come out sorted")
    func deterministic() async throws {
        let json = """
            [{"match": [{"headers": {"a": {"exact": "1"}, "b": {}, "c": {"prefix": "x"}},
                         "withoutHeaders": {"a": {"exact": "2"}}, "queryParams": {"p": {}, "q": {"exact": "1"}}}],
              "headers": {"request": {"set": {"x": "1", "y": "2", "z": "3"}}},
              "route": [{"destination": {"host": "reviews"}}],
              "fault": {"abort": {"httpStatus": 503, "percentage": {"value": 1}}},
              "corsPolicy": {"allowOrigins": [{"exact": "https://a"}]}}]
            """
        var options = BinaryEncodingOptions()
        options.useDeterministicOrdering = true
        let first = try await RouteFixtures.routes(json).map { try $0.serializedBytes(options: options) as [UInt8] }
        for _ in 0..<5 {
            let again = try await RouteFixtures.routes(json, validate: false).map { try $0.serializedBytes(options: options) as [UInt8] }
            #expect(again == first)
        }
    }

    @Test("the Envoy check is real: Envoy refuses a route with an invalid RE2 regex")
    func envoyRefusesBadRegex() async throws {
        let routes = try await RouteFixtures.routes(
            """
            [{"match": [{"uri": {"regex": "(unclosed"}}], "route": [{"destination": {"host": "reviews"}}]}]
            """, validate: false)
        await #expect(throws: EnvoyValidation.Rejected.self) { try await EnvoyValidation.validate(routes) }
    }
}
