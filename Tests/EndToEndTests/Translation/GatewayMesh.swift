import Foundation
import Testing

/// A MeshHarness whose service `shop` is served through one gateway Envoy at `url`,
/// with its backends by name: what the route-feature and traffic-policy suites share.
final class GatewayMesh {
    let harness: MeshHarness
    let url: String
    let backends: [String: ScriptedBackend]

    init(harness: MeshHarness, url: String, backends: [String: ScriptedBackend]) {
        self.harness = harness
        self.url = url
        self.backends = backends
    }

    subscript(name: String) -> ScriptedBackend { backends[name]! }

    var gateway: EnvoyProcess { harness.envoys[0] }

    /// Part of the gateway Envoy's admin `/config_dump`, or why it has none.
    func gatewayConfig(_ resource: String) async -> String {
        guard !harness.envoys.isEmpty else { return "no gateway" }
        return (try? await gateway.admin("/config_dump?resource=\(resource)")) ?? "no admin answer"
    }

    /// Waits until the gateway's answer at `path` satisfies `accept`; on timeout, the
    /// error carries the gateway's routes and clusters, to tell a missing push from a
    /// wrong translation.
    @discardableResult
    func waitFor(
        _ path: String = "/", headers: [(String, String)] = [], until accept: (RouteFeatureTests.Exchange) -> Bool
    ) async throws -> RouteFeatureTests.Exchange {
        do {
            return try await RouteFeatureTests.waitFor(url + path, headers: headers, until: accept)
        } catch let timeout as WaitTimeout {
            let routes = await gatewayConfig("dynamic_route_configs")
            let clusters = await gatewayConfig("dynamic_active_clusters")
            throw WaitTimeout(what: timeout.what, stderr: "gateway routes:\n\(routes)\ngateway clusters:\n\(clusters)")
        }
    }
}
