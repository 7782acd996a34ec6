import ControlPlane
import Discovery
import Foundation
import SwiftProtobuf
import Testing
import XDS

/// VirtualService `http` lists written as a user would (JSON, which is YAML), and
/// the contexts they are translated in.
enum RouteFixtures {
    /// Decodes a VirtualService `http` list.
    static func http(_ json: String) throws -> [VirtualServiceSpec.HTTPRoute] {
        try JSONDecoder().decode([VirtualServiceSpec.HTTPRoute].self, from: Data(json.utf8))
    }

    /// A sidecar in `default` serving port 8080 with labels `app: client`.
    static func sidecar(
        port: Int = 8080,
        labels: [String: String] = ["app": "client", "version": "v1"],
        namespace: String = "default",
        hashPolicy: @escaping @Sendable (Destination) -> [Envoy_Config_Route_V3_RouteAction.HashPolicy] = { _ in [] }
    ) -> HTTPRouteContext {
        HTTPRouteContext(
            namespace: "default", listenerPort: port, proxyLabels: labels, proxyNamespace: namespace,
            hashPolicy: hashPolicy)
    }

    /// The routes for `json` as VirtualService `reviews` in `default`, after checking
    /// that the real Envoy accepts them.
    static func routes(
        _ json: String, context: HTTPRouteContext = sidecar(), validate: Bool = true
    ) async throws -> [Envoy_Config_Route_V3_Route] {
        let routes = try HTTPRouteTranslator.routes(try http(json), name: "reviews", context: context)
        if validate, !routes.isEmpty { try await EnvoyValidation.validate(routes) }
        return routes
    }

    /// The single route for `json`.
    static func route(_ json: String, context: HTTPRouteContext = sidecar()) async throws -> Envoy_Config_Route_V3_Route {
        let all = try await routes(json, context: context)
        try #require(all.count == 1, "expected one route, got \(all.count)")
        return all[0]
    }

    /// The forwarding action of a route.
    static func action(_ route: Envoy_Config_Route_V3_Route) throws -> Envoy_Config_Route_V3_RouteAction {
        guard case .route(let action)? = route.action else {
            Issue.record("route \(route.name) does not forward")
            throw Missing()
        }
        return action
    }

    /// A header matcher by name.
    static func header(_ route: Envoy_Config_Route_V3_Route, _ name: String) throws -> Envoy_Config_Route_V3_HeaderMatcher {
        try #require(route.match.headers.first { $0.name == name })
    }

    /// `name: value` header edits as pairs, with their append actions.
    static func edits(_ options: [Envoy_Config_Core_V3_HeaderValueOption]) -> [String] {
        options.map { "\($0.header.key)=\($0.header.value) \($0.appendAction == .overwriteIfExistsOrAdd ? "set" : "add")" }
    }

    struct Missing: Error {}
}
