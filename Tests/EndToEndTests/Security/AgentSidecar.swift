import Foundation

/// One workload's proxy as Istio runs it: `controld agent` serving its certificate
/// over SDS on a Unix socket, and an Envoy bootstrapped with xDS from controld and
/// the static `sds-grpc` cluster reaching that socket (the name translation refers
/// to in every ISTIO_MUTUAL context).
final class AgentSidecar {
    let name: String
    let namespace: String
    let serviceAccount: String
    /// The workload's loopback address; its listeners bind here.
    let ip: String
    let agent: ControldProcess
    let envoy: SidecarEnvoy
    /// The agent's `--output-dir`: `cert-chain.pem`, `key.pem`, `root-cert.pem` (its
    /// ROOTCA), rewritten on every change.
    let files: URL

    init(
        name: String, namespace: String, serviceAccount: String, ip: String, labels: [String: String],
        agentArguments: [String], files: URL, sdsSocket: URL, xdsPort: Int, directory: URL
    ) throws {
        self.name = name
        self.files = files
        self.namespace = namespace
        self.serviceAccount = serviceAccount
        self.ip = ip
        agent = try ControldProcess(agentArguments)
        envoy = try SidecarEnvoy(
            nodeID: "sidecar~\(ip)~\(name).\(namespace)~\(namespace).svc.cluster.local",
            metadata: [
                // What Istio's agent puts in the node and MeshProxy reads.
                "NAMESPACE": namespace, "LABELS": labels, "SERVICE_ACCOUNT": serviceAccount, "INSTANCE_IPS": ip,
                "ISTIO_VERSION": "1.28.0", "CLUSTER_ID": "Kubernetes",
                // No iptables: only the listeners a Sidecar resource binds.
                "INTERCEPTION_MODE": "NONE",
            ],
            xdsPort: xdsPort, sdsSocket: sdsSocket, directory: directory)
    }

    /// The workload's SPIFFE identity.
    var spiffeID: String { "spiffe://cluster.local/ns/\(namespace)/sa/\(serviceAccount)" }

    func stop() {
        envoy.stop()
        agent.process.terminate()
    }

    /// The serials the agent logged issuing, oldest first.
    var issuedSerials: [String] {
        agent.jsonLogs("workload certificate issued").compactMap { ($0["serial"] as? String).map(Serial.normalized) }
    }
}

/// An Envoy whose bootstrap has controld's xDS and the agent's `sds-grpc`.
final class SidecarEnvoy {
    let nodeID: String
    let adminPort: Int
    private let child: ChildProcess

    init(nodeID: String, metadata: [String: Any], xdsPort: Int, sdsSocket: URL, directory: URL) throws {
        self.nodeID = nodeID
        adminPort = try LocalPorts.free()
        let bootstrap: [String: Any] = [
            "node": ["id": nodeID, "cluster": "e2e.default", "metadata": metadata],
            "dynamic_resources": [
                "ads_config": [
                    "api_type": "GRPC", "transport_api_version": "V3", "set_node_on_first_message_only": true,
                    "grpc_services": [["envoy_grpc": ["cluster_name": "xds-grpc"]]],
                ],
                "cds_config": ["ads": [:], "resource_api_version": "V3"],
                "lds_config": ["ads": [:], "resource_api_version": "V3"],
            ],
            "static_resources": [
                "clusters": [
                    Self.grpcCluster(
                        "xds-grpc", address: ["socket_address": ["address": "127.0.0.1", "port_value": xdsPort]]),
                    Self.grpcCluster("sds-grpc", address: ["pipe": ["path": sdsSocket.path]]),
                ]
            ],
            "admin": ["address": ["socket_address": ["address": "127.0.0.1", "port_value": adminPort]]],
        ]
        let path = directory.appendingPathComponent("envoy-\(adminPort).json")
        try JSONSerialization.data(withJSONObject: bootstrap, options: [.prettyPrinted, .sortedKeys]).write(to: path)
        child = try ChildProcess(
            name: "envoy-\(adminPort)", executable: try EnvoyProcess.binary(),
            arguments: [
                "-c", path.path, "--disable-hot-restart", "--use-dynamic-base-id", "-l", "info", "--drain-time-s", "1",
            ],
            directory: directory)
    }

    /// A static gRPC cluster: HTTP/2, or nothing reaches the server.
    private static func grpcCluster(_ name: String, address: [String: Any]) -> [String: Any] {
        [
            "name": name, "type": "STATIC", "connect_timeout": "1s",
            "load_assignment": [
                "cluster_name": name, "endpoints": [["lb_endpoints": [["endpoint": ["address": address]]]]],
            ],
            "typed_extension_protocol_options": [
                "envoy.extensions.upstreams.http.v3.HttpProtocolOptions": [
                    "@type": "type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
                    "explicit_http_config": ["http2_protocol_options": [:]],
                ]
            ],
        ]
    }

    func stop() { child.stop() }

    var isRunning: Bool { child.process.isRunning }
    var processIdentifier: Int32 { child.process.processIdentifier }
    var log: String { child.output }

    /// Envoy's admin API.
    func admin(_ path: String) async throws -> String {
        try await HTTP.get("http://127.0.0.1:\(adminPort)\(path)").body
    }

    /// Every counter and gauge whose name contains `fragment`.
    func stats(containing fragment: String) async throws -> [String: Int] {
        let text = try await admin("/stats")
        var found: [String: Int] = [:]
        for line in text.split(separator: "\n") where line.contains(fragment) {
            guard let colon = line.lastIndex(of: ":"),
                let value = Int(line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
            else { continue }
            found[String(line[..<colon])] = value
        }
        return found
    }

    /// The sum of the stats named `prefix…suffix` (e.g. every listener's `ssl.handshake`).
    func statSum(prefix: String, suffix: String) async throws -> Int {
        try await stats(containing: suffix).filter { $0.key.hasPrefix(prefix) && $0.key.hasSuffix(suffix) }
            .values.reduce(0, +)
    }

    /// The certificates Envoy's TLS contexts hold now (`/certs`).
    func certificates() async throws -> LoadedCertificates {
        try LoadedCertificates(json: try await admin("/certs"))
    }
}

/// What Envoy's `/certs` lists: per TLS context its own chain and its CA
/// certificates, reduced to serials.
struct LoadedCertificates: Equatable {
    /// Serials of each context's leaf (the workload certificate, `default`).
    var leafSerials: Set<String> = []
    /// Serials of the trusted roots (`ROOTCA`), per context.
    var caSerials: [Set<String>] = []
    /// How many contexts have a leaf.
    var contexts = 0

    init(json: String) throws {
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] ?? [:]
        for context in object["certificates"] as? [[String: Any]] ?? [] {
            let chain = context["cert_chain"] as? [[String: Any]] ?? []
            if let leaf = chain.first?["serial_number"] as? String {
                leafSerials.insert(Serial.normalized(leaf))
                contexts += 1
            }
            let roots = (context["ca_cert"] as? [[String: Any]] ?? []).compactMap { $0["serial_number"] as? String }
            if !roots.isEmpty { caSerials.append(Set(roots.map(Serial.normalized))) }
        }
    }

    /// The one leaf all contexts present, or nil while they disagree or have none.
    var leaf: String? { leafSerials.count == 1 ? leafSerials.first : nil }
}

/// Serial numbers compared across writers: the agent logs bytes as unpadded hex
/// joined by colons (swift-certificates' description), Envoy plain hex.
enum Serial {
    /// Lowercase hex, each byte two digits, leading zeros dropped.
    static func normalized(_ text: String) -> String {
        let hex = text.contains(":")
            ? text.split(separator: ":").map { $0.count == 1 ? "0" + $0 : String($0) }.joined()
            : text
        let trimmed = hex.lowercased().drop { $0 == "0" }
        return trimmed.isEmpty ? "0" : String(trimmed)
    }
}

extension ControldProcess {
    /// The JSON log lines (stderr) whose `msg` is `message`, in order.
    func jsonLogs(_ message: String) -> [[String: Any]] {
        standardErrorLines.compactMap { line -> [String: Any]? in
            guard line.hasPrefix("{"),
                let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                object["msg"] as? String == message
            else { return nil }
            return object
        }
    }
}
