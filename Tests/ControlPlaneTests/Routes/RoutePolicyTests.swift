import ControlPlane
import Discovery
import Foundation
import SwiftProtobuf
import Testing
import XDS

/// Answers the proxy gives itself (redirects, direct responses) and the policies on
/// a route (retries, faults, CORS). Every output is validated by Envoy.
@Suite("HTTP routes: answers and policies", .serialized)
struct RoutePolicyTests {
    @Test("redirect: uri, authority, scheme, port and code; derivePort FROM_REQUEST_PORT is the listener port; default ports are left out")
    func redirect() async throws {
        let routes = try await RouteFixtures.routes(
            """
            [{"match": [{"uri": {"prefix": "/a"}}], "redirect": {"uri": "/b", "authority": "new.example", "redirectCode": 302}},
             {"match": [{"uri": {"prefix": "/c"}}], "redirect": {"prefixRewrite": "/d", "scheme": "https", "port": 8443}},
             {"match": [{"uri": {"prefix": "/e"}}], "redirect": {"derivePort": "FROM_REQUEST_PORT", "redirectCode": 308}},
             {"match": [{"uri": {"prefix": "/f"}}], "redirect": {"scheme": "https", "port": 443, "redirectCode": 307}}]
            """)
        let redirects: [Envoy_Config_Route_V3_RedirectAction] = try routes.map { route in
            guard case .redirect(let redirect)? = route.action else { throw RouteFixtures.Missing() }
            return redirect
        }
        #expect(redirects[0].pathRedirect == "/b" && redirects[0].hostRedirect == "new.example")
        #expect(redirects[0].responseCode == .found)
        #expect(redirects[1].prefixRewrite == "/d" && redirects[1].schemeRedirect == "https" && redirects[1].portRedirect == 8443)
        #expect(redirects[1].responseCode == .movedPermanently)
        #expect(redirects[2].portRedirect == 8080 && redirects[2].responseCode == .permanentRedirect)
        #expect(redirects[3].portRedirect == 0 && redirects[3].responseCode == .temporaryRedirect)
        #expect(routes.allSatisfy { $0.decorator.operation.hasPrefix("reviews:8080/") })
    }

    @Test("a redirect code Envoy cannot send is refused, naming the VirtualService and route")
    func badRedirectCode() async throws {
        let error = await #expect(throws: HTTPRouteTranslationError.self) {
            try await RouteFixtures.routes(#"[{"redirect": {"uri": "/x", "redirectCode": 305}}]"#)
        }
        #expect(error?.virtualService == "reviews" && error?.index == 0)
    }

    @Test("directResponse: the status with a text body, or a bytes body decoded from base64")
    func directResponse() async throws {
        let routes = try await RouteFixtures.routes(
            """
            [{"match": [{"uri": {"exact": "/teapot"}}], "directResponse": {"status": 418, "body": {"string": "short and stout"}}},
             {"match": [{"uri": {"exact": "/bin"}}], "directResponse": {"status": 200, "body": {"bytes": "AAEC/w=="}}},
             {"directResponse": {"status": 503}}]
            """)
        let answers: [Envoy_Config_Route_V3_DirectResponseAction] = try routes.map { route in
            guard case .directResponse(let response)? = route.action else { throw RouteFixtures.Missing() }
            return response
        }
        #expect(answers.map(\.status) == [418, 200, 503])
        #expect(answers[0].body.inlineString == "short and stout")
        #expect(answers[1].body.inlineBytes == Data([0, 1, 2, 255]))
        #expect(!answers[2].hasBody)
    }

    @Test("retries unset: Istio's default policy (2 attempts, its conditions, previous hosts avoided, 5 host picks)")
    func defaultRetries() async throws {
        let policy = try RouteFixtures.action(try await RouteFixtures.route(#"[{"route": [{"destination": {"host": "reviews"}}]}]"#)).retryPolicy
        #expect(policy.numRetries.value == 2)
        #expect(policy.retryOn == "connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes")
        #expect(policy.hostSelectionRetryMaxAttempts == 5)
        #expect(policy.retryHostPredicate.map(\.name) == ["envoy.retry_host_predicates.previous_hosts"])
        #expect(policy.retryHostPredicate.first?.typedConfig.typeURL
            == "type.googleapis.com/envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate")
    }

    @Test("retries: attempts, perTryTimeout, retryOn with status codes as numbers, remote localities, backoff; attempts 0 turns retries off")
    func retries() async throws {
        let routes = try await RouteFixtures.routes(
            """
            [{"match": [{"uri": {"prefix": "/a"}}], "route": [{"destination": {"host": "reviews"}}],
              "retries": {"attempts": 4, "perTryTimeout": "250ms", "retryOn": "gateway-error, 503,429,connect-failure",
                          "retryRemoteLocalities": true, "backoff": "50ms", "retryIgnorePreviousHosts": false}},
             {"match": [{"uri": {"prefix": "/b"}}], "route": [{"destination": {"host": "reviews"}}],
              "retries": {"attempts": 1, "retryOn": "5xx,retriable-status-codes,502"}},
             {"route": [{"destination": {"host": "reviews"}}], "retries": {"attempts": 0}}]
            """)
        let first = try RouteFixtures.action(routes[0]).retryPolicy
        #expect(first.numRetries.value == 4)
        #expect(first.perTryTimeout == Google_Protobuf_Duration(seconds: 0, nanos: 250_000_000))
        #expect(first.retryOn == "gateway-error,connect-failure,retriable-status-codes")
        #expect(first.retriableStatusCodes == [503, 429])
        #expect(first.retryPriority.name == "envoy.retry_priorities.previous_priorities")
        let priorities = try Envoy_Extensions_Retry_Priority_PreviousPriorities_V3_PreviousPrioritiesConfig(
            unpackingAny: first.retryPriority.typedConfig)
        #expect(priorities.updateFrequency == 2)
        #expect(first.retryBackOff.baseInterval == Google_Protobuf_Duration(seconds: 0, nanos: 50_000_000))
        #expect(first.retryHostPredicate.isEmpty)
        #expect(first.hostSelectionRetryMaxAttempts == 5)

        let second = try RouteFixtures.action(routes[1]).retryPolicy
        #expect(second.retryOn == "5xx,retriable-status-codes" && second.retriableStatusCodes == [502])
        #expect(second.retryHostPredicate.count == 1)
        #expect(try !RouteFixtures.action(routes[2]).hasRetryPolicy)
    }

    @Test("MeshConfig's default retry policy applies to routes without retries")
    func meshDefaultRetries() async throws {
        var context = RouteFixtures.sidecar()
        context.meshDefaultRetry = try JSONDecoder().decode(
            VirtualServiceSpec.HTTPRetry.self, from: Data(#"{"attempts": 5, "retryOn": "reset"}"#.utf8))
        let policy = try RouteFixtures.action(try await RouteFixtures.route(#"[{"route": [{"destination": {"host": "reviews"}}]}]"#, context: context)).retryPolicy
        #expect(policy.numRetries.value == 5 && policy.retryOn == "reset")
    }

    @Test("fault: a fixed delay and an HTTP abort with percentages in parts per million, as the fault filter's per-route config")
    func fault() async throws {
        let route = try await RouteFixtures.route(
            """
            [{"route": [{"destination": {"host": "reviews"}}],
              "fault": {"delay": {"fixedDelay": "7s", "percentage": {"value": 0.1}},
                        "abort": {"httpStatus": 500, "percentage": {"value": 50}}}}]
            """)
        let any = try #require(route.typedPerFilterConfig["envoy.filters.http.fault"])
        let fault = try Envoy_Extensions_Filters_Http_Fault_V3_HTTPFault(unpackingAny: any)
        #expect(fault.delay.fixedDelay == Google_Protobuf_Duration(seconds: 7))
        #expect(fault.delay.percentage.numerator == 1_000 && fault.delay.percentage.denominator == .million)
        #expect(fault.abort.httpStatus == 500)
        #expect(fault.abort.percentage.numerator == 500_000 && fault.abort.percentage.denominator == .million)
    }

    @Test("fault: a gRPC abort by status name, and a delay with the legacy integer percent over 100")
    func grpcFault() async throws {
        let route = try await RouteFixtures.route(
            """
            [{"route": [{"destination": {"host": "reviews"}}],
              "fault": {"delay": {"fixedDelay": "100ms", "percent": 20},
                        "abort": {"grpcStatus": "UNAVAILABLE", "percentage": {"value": 100}}}}]
            """)
        let fault = try Envoy_Extensions_Filters_Http_Fault_V3_HTTPFault(
            unpackingAny: try #require(route.typedPerFilterConfig["envoy.filters.http.fault"]))
        #expect(fault.abort.grpcStatus == 14)
        #expect(fault.delay.percentage.numerator == 20 && fault.delay.percentage.denominator == .hundred)
        await #expect(throws: HTTPRouteTranslationError.self) {
            try await RouteFixtures.routes(
                #"[{"route": [{"destination": {"host": "r"}}], "fault": {"abort": {"grpcStatus": "NOPE"}}}]"#)
        }
    }

    @Test("corsPolicy: origins, methods, headers, exposed headers, max age and credentials as the CORS filter's per-route policy")
    func cors() async throws {
        let route = try await RouteFixtures.route(
            """
            [{"route": [{"destination": {"host": "reviews"}}],
              "corsPolicy": {"allowOrigins": [{"exact": "https://example.com"}, {"regex": "https://.*\\\\.example\\\\.org"}],
                             "allowMethods": ["GET", "POST"], "allowHeaders": ["x-a", "x-b"],
                             "exposeHeaders": ["x-c"], "maxAge": "24h", "allowCredentials": true}}]
            """)
        let policy = try Envoy_Extensions_Filters_Http_Cors_V3_CorsPolicy(
            unpackingAny: try #require(route.typedPerFilterConfig["envoy.filters.http.cors"]))
        #expect(policy.allowOriginStringMatch.map(\.exact) == ["https://example.com", ""])
        #expect(policy.allowOriginStringMatch[1].safeRegex.regex == "https://.*\\.example\\.org")
        #expect(policy.allowMethods == "GET,POST" && policy.allowHeaders == "x-a,x-b" && policy.exposeHeaders == "x-c")
        #expect(policy.maxAge == "86400")
        #expect(policy.allowCredentials.value == true)
        #expect(policy.filterEnabled.defaultValue.numerator == 100 && policy.filterEnabled.defaultValue.denominator == .hundred)
        #expect(policy.forwardNotMatchingPreflights.value == true)

        let legacy = try await RouteFixtures.route(
            """
            [{"route": [{"destination": {"host": "reviews"}}],
              "corsPolicy": {"allowOrigin": ["https://old.example"], "unmatchedPreflights": "IGNORE"}}]
            """)
        let old = try Envoy_Extensions_Filters_Http_Cors_V3_CorsPolicy(
            unpackingAny: try #require(legacy.typedPerFilterConfig["envoy.filters.http.cors"]))
        #expect(old.allowOriginStringMatch.map(\.exact) == ["https://old.example"])
        #expect(old.forwardNotMatchingPreflights.value == false && !old.hasAllowCredentials)
    }
}
