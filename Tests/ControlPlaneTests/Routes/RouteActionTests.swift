import ControlPlane
import Discovery
import Foundation
import SwiftProtobuf
import Testing
import XDS

/// Forwarding: destinations, weights, rewrites, timeouts, mirrors and header edits.
/// Every output is validated by Envoy.
@Suite("HTTP routes: forwarding", .serialized)
struct RouteActionTests {
    @Test("one destination is `cluster`: short hosts qualified in the VirtualService's namespace, the listener port by default")
    func singleDestination() async throws {
        let routes = try await RouteFixtures.routes(
            """
            [{"match": [{"uri": {"prefix": "/a"}}], "route": [{"destination": {"host": "reviews", "subset": "v2"}}]},
             {"match": [{"uri": {"prefix": "/b"}}], "route": [{"destination": {"host": "ratings.prod", "port": {"number": 9080}}}]},
             {"route": [{"destination": {"host": "httpbin.org"}, "weight": 100}]}]
            """)
        #expect(try routes.map { try RouteFixtures.action($0).cluster } == [
            "outbound|8080|v2|reviews.default.svc.cluster.local",
            "outbound|9080||ratings.prod",
            "outbound|8080||httpbin.org",
        ])
    }

    @Test("the caller's cluster naming is used for every destination")
    func clusterNaming() async throws {
        var context = RouteFixtures.sidecar()
        context.clusterName = { destination, port in "custom|\(destination.host)|\(port)" }
        let route = try await RouteFixtures.route(
            """
            [{"route": [{"destination": {"host": "reviews"}}], "mirror": {"host": "shadow"}}]
            """, context: context)
        let action = try RouteFixtures.action(route)
        #expect(action.cluster == "custom|reviews.default.svc.cluster.local|8080")
        #expect(action.requestMirrorPolicies.map(\.cluster) == ["custom|shadow.default.svc.cluster.local|8080"])
    }

    @Test("several destinations are weighted_clusters with the weights as written; weight 0 is left out")
    func weighted() async throws {
        let route = try await RouteFixtures.route(
            """
            [{"route": [{"destination": {"host": "reviews", "subset": "v1"}, "weight": 75},
                        {"destination": {"host": "reviews", "subset": "v2"}, "weight": 25,
                         "headers": {"request": {"set": {"x-version": "v2", ":authority": "v2.reviews"}},
                                     "response": {"remove": ["x-internal"]}}},
                        {"destination": {"host": "reviews", "subset": "v3"}, "weight": 0}]}]
            """)
        let clusters = try RouteFixtures.action(route).weightedClusters.clusters
        #expect(clusters.map(\.name) == ["outbound|8080|v1|reviews.default.svc.cluster.local", "outbound|8080|v2|reviews.default.svc.cluster.local"])
        #expect(clusters.map(\.weight.value) == [75, 25])
        #expect(RouteFixtures.edits(clusters[1].requestHeadersToAdd) == ["x-version=v2 set"])
        #expect(clusters[1].responseHeadersToRemove == ["x-internal"])
        #expect(clusters[1].hostRewriteSpecifier == .hostRewriteLiteral("v2.reviews"))
        #expect(clusters[0].hostRewriteSpecifier == nil)
    }

    @Test("a route with no usable destination is refused, naming the route")
    func noDestination() async throws {
        await #expect(throws: HTTPRouteTranslationError.self) {
            try await RouteFixtures.routes(
                """
                [{"route": [{"destination": {"host": "a"}, "weight": 0}, {"destination": {"host": "b"}, "weight": 0}]}]
                """)
        }
    }

    @Test("rewrite: uri is prefix_rewrite (the whole path for an exact match), uriRegexRewrite is regex_rewrite, authority is host_rewrite_literal")
    func rewrite() async throws {
        let routes = try await RouteFixtures.routes(
            """
            [{"match": [{"uri": {"prefix": "/old/"}}], "rewrite": {"uri": "/new/", "authority": "api.internal"},
              "route": [{"destination": {"host": "reviews"}}]},
             {"match": [{"uri": {"exact": "/login"}}], "rewrite": {"uri": "/auth/login"},
              "route": [{"destination": {"host": "reviews"}}]},
             {"match": [{"uri": {"regex": "^/v1/(.*)$"}}], "rewrite": {"uriRegexRewrite": {"match": "^/v1/(.*)$", "rewrite": "/v2/\\\\1"}},
              "route": [{"destination": {"host": "reviews"}}]}]
            """)
        let actions = try routes.map(RouteFixtures.action)
        #expect(actions[0].prefixRewrite == "/new/")
        #expect(actions[0].hostRewriteSpecifier == .hostRewriteLiteral("api.internal"))
        #expect(routes[1].match.pathSpecifier == .path("/login"))
        #expect(actions[1].prefixRewrite == "/auth/login")
        #expect(actions[2].regexRewrite.pattern.regex == "^/v1/(.*)$")
        #expect(actions[2].regexRewrite.substitution == "/v2/\\1")
    }

    @Test("timeout: none (0) when unset, as given otherwise; the grpc-timeout header is capped by the same value")
    func timeout() async throws {
        let routes = try await RouteFixtures.routes(
            """
            [{"match": [{"uri": {"prefix": "/slow"}}], "timeout": "1.5s", "route": [{"destination": {"host": "reviews"}}]},
             {"route": [{"destination": {"host": "reviews"}}]}]
            """)
        let slow = try RouteFixtures.action(routes[0])
        #expect(slow.timeout == Google_Protobuf_Duration(seconds: 1, nanos: 500_000_000))
        // max_grpc_timeout, not max_stream_duration: with the latter Envoy ignores `timeout`.
        #expect(slow.maxGrpcTimeout == Google_Protobuf_Duration(seconds: 1, nanos: 500_000_000))
        #expect(!slow.hasMaxStreamDuration)
        let plain = try RouteFixtures.action(routes[1])
        #expect(plain.hasTimeout && plain.timeout == Google_Protobuf_Duration())
        #expect(plain.hasMaxGrpcTimeout && plain.maxGrpcTimeout == Google_Protobuf_Duration())

        var proxyless = RouteFixtures.sidecar()
        proxyless.proxylessGRPC = true
        let grpc = try RouteFixtures.action(try await RouteFixtures.route(
            """
            [{"timeout": "2s", "route": [{"destination": {"host": "reviews"}}]}]
            """, context: proxyless))
        #expect(grpc.maxStreamDuration.maxStreamDuration == Google_Protobuf_Duration(seconds: 2))
    }

    @Test("mirror and mirrors become request_mirror_policies with their percentages; 0% mirrors nothing")
    func mirrors() async throws {
        let route = try await RouteFixtures.route(
            """
            [{"route": [{"destination": {"host": "reviews"}}],
              "mirror": {"host": "shadow", "subset": "v1"}, "mirrorPercentage": {"value": 12.5},
              "mirrors": [{"destination": {"host": "audit"}},
                          {"destination": {"host": "audit2"}, "percentage": {"value": 0.5}},
                          {"destination": {"host": "never"}, "percentage": {"value": 0}}]}]
            """)
        let mirrors = try RouteFixtures.action(route).requestMirrorPolicies
        #expect(mirrors.map(\.cluster) == [
            "outbound|8080|v1|shadow.default.svc.cluster.local",
            "outbound|8080||audit.default.svc.cluster.local",
            "outbound|8080||audit2.default.svc.cluster.local",
        ])
        #expect(mirrors.map(\.runtimeFraction.defaultValue.numerator) == [125_000, 100, 5_000])
        #expect(mirrors.map(\.runtimeFraction.defaultValue.denominator) == [.million, .hundred, .million])
        #expect(mirrors.allSatisfy { $0.traceSampled.value == false })

        let legacy = try await RouteFixtures.route(
            """
            [{"route": [{"destination": {"host": "reviews"}}], "mirror": {"host": "shadow"}, "mirrorPercent": 30}]
            """)
        let fraction = try RouteFixtures.action(legacy).requestMirrorPolicies.first?.runtimeFraction.defaultValue
        #expect(fraction?.numerator == 30 && fraction?.denominator == .hundred)
    }

    @Test("headers: set overwrites, add appends, remove removes, on requests and responses; pseudo-headers are not edited but :authority rewrites the host")
    func headerEdits() async throws {
        let route = try await RouteFixtures.route(
            """
            [{"route": [{"destination": {"host": "reviews"}, "headers": {"request": {"add": {"x-dest": "1"}}}}],
              "headers": {"request": {"set": {"x-b": "2", "x-a": "1", ":authority": "internal.example"},
                                      "add": {"x-trace": "t"}, "remove": ["x-secret", ":path"]},
                          "response": {"set": {"cache-control": "no-store"}, "add": {"x-served-by": "mesh"},
                                       "remove": ["server"]}}}]
            """)
        #expect(RouteFixtures.edits(route.requestHeadersToAdd) == ["x-a=1 set", "x-b=2 set", "x-trace=t add", "x-dest=1 add"])
        #expect(route.requestHeadersToRemove == ["x-secret"])
        #expect(RouteFixtures.edits(route.responseHeadersToAdd) == ["cache-control=no-store set", "x-served-by=mesh add"])
        #expect(route.responseHeadersToRemove == ["server"])
        #expect(try RouteFixtures.action(route).hostRewriteSpecifier == .hostRewriteLiteral("internal.example"))
    }

    @Test("the destination's consistent-hash policy is on the route, and retries then stay on the same host")
    func hashPolicy() async throws {
        let context = RouteFixtures.sidecar(hashPolicy: { destination in
            guard destination.host == "reviews.default.svc.cluster.local" else { return [] }
            var policy = Envoy_Config_Route_V3_RouteAction.HashPolicy()
            policy.header.headerName = "x-user"
            return [policy]
        })
        let action = try RouteFixtures.action(try await RouteFixtures.route(
            """
            [{"route": [{"destination": {"host": "reviews"}}]}]
            """, context: context))
        #expect(action.hashPolicy.map(\.header.headerName) == ["x-user"])
        #expect(action.retryPolicy.retryHostPredicate.isEmpty)
        #expect(action.retryPolicy.numRetries.value == 2)
    }

    @Test("the default route: prefix / to the cluster, named default, no timeout, Istio's default retries")
    func defaultRoute() async throws {
        let route = HTTPRouteTranslator.defaultRoute(cluster: "outbound|9080||reviews.default.svc.cluster.local")
        try await EnvoyValidation.validate([route])
        #expect(route.name == "default")
        #expect(route.match.pathSpecifier == .prefix("/"))
        #expect(route.decorator.operation == "reviews.default.svc.cluster.local:9080/*")
        let action = try RouteFixtures.action(route)
        #expect(action.cluster == "outbound|9080||reviews.default.svc.cluster.local")
        #expect(action.hasTimeout && action.timeout == Google_Protobuf_Duration())
        #expect(action.retryPolicy.numRetries.value == 2)
        #expect(action.retryPolicy.retryOn == "connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes")
        #expect(action.retryPolicy.retryHostPredicate.map(\.name) == ["envoy.retry_host_predicates.previous_hosts"])
    }
}
