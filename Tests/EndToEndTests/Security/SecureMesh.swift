import Foundation
import Testing

/// A real `controld serve` running its CA in file mode (a `--ca-dir` root, tokens
/// checked against a JWKS), with workloads whose certificates come from real
/// `controld agent`s over SDS: the secured mesh of issue #6, all on loopback.
///
/// Serve's ports are picked once, so a restarted serve comes back where the agents
/// and Envoys already point.
final class SecureMesh {
    let scratch: ScratchDirectory
    let meshDirectory: URL
    let caDirectory: URL
    let tokens: ServiceAccountTokens
    let xdsPort: Int
    let securePort: Int
    private let serveArguments: [String]
    private(set) var serve: ControldProcess
    private(set) var monitoring: String
    private(set) var sidecars: [AgentSidecar] = []
    private var backends: [Backend] = []

    /// Starts serve; `workloadCertTTL` is what the CA grants (the agents ask for
    /// their own `--cert-ttl`, capped by `--max-workload-cert-ttl`), and also the
    /// secure port's own certificate lifetime.
    init(_ name: String, workloadCertTTL: String, serveFlags: [String] = []) async throws {
        scratch = try ScratchDirectory(name)
        meshDirectory = scratch.url.appendingPathComponent("mesh", isDirectory: true)
        caDirectory = scratch.url.appendingPathComponent("ca", isDirectory: true)
        try FileManager.default.createDirectory(at: meshDirectory, withIntermediateDirectories: true)
        tokens = try await ServiceAccountTokens.make(in: scratch.url)
        xdsPort = try LocalPorts.free()
        securePort = try LocalPorts.free()
        serveArguments =
            [
                "serve", "--config-dir", meshDirectory.path, "--monitoring-addr", "127.0.0.1:0",
                "--grpc-addr", "127.0.0.1:\(xdsPort)", "--secure-grpc-addr", "127.0.0.1:\(securePort)",
                "--log-format", "json", "--ca-dir", caDirectory.path,
                "--jwks-file", tokens.jwksPath.path, "--jwt-issuer", ServiceAccountTokens.issuer,
                "--workload-cert-ttl", workloadCertTTL,
            ] + serveFlags
        (serve, monitoring) = try await Self.startServe(serveArguments)
    }

    deinit {
        for sidecar in sidecars { sidecar.stop() }
        serve.process.terminate()
    }

    private static func startServe(_ arguments: [String]) async throws -> (ControldProcess, String) {
        let serve = try ControldProcess(arguments)
        let monitoring = try await serve.waitForMonitoringAddress()
        _ = try await serve.waitForLog("secure gRPC server listening", within: .seconds(60))
        _ = try await serve.waitForLog("xDS server listening", within: .seconds(60))
        return (serve, monitoring)
    }

    /// Stops serve with SIGTERM and starts it again with the same flags; returns the
    /// first run's exit status.
    @discardableResult
    func restartServe() async throws -> Int32? {
        serve.process.terminate()
        let status = try await serve.waitForExit(within: .seconds(15))
        (serve, monitoring) = try await Self.startServe(serveArguments)
        return status
    }

    /// The trust bundle file serve keeps (what a file-mode agent mounts).
    var rootCertPath: URL { caDirectory.appendingPathComponent("root-cert.pem") }

    /// Writes `yaml` to `file` in the watched directory, atomically.
    func write(_ yaml: String, to file: String) throws {
        try Data(yaml.utf8).write(to: meshDirectory.appendingPathComponent(file), options: .atomic)
    }

    /// A backend answering with its name on `host`.
    func backend(_ name: String, host: String) async throws -> Backend {
        let backend = try Backend(name: name, host: host, directory: scratch.url)
        backends.append(backend)
        try await backend.waitUntilServing()
        return backend
    }

    /// A workload: its token, its agent (waited for until it holds a certificate),
    /// then its Envoy.
    func sidecar(
        _ name: String, ip: String, labels: [String: String], namespace: String = "default", certTTL: String
    ) async throws -> AgentSidecar {
        let tokenFile = scratch.url.appendingPathComponent("\(name).jwt")
        try Data(try await tokens.token(namespace: namespace, serviceAccount: name).utf8).write(to: tokenFile)
        // Short: sockaddr_un holds about 100 bytes.
        let socket = scratch.url.appendingPathComponent("\(name).sock")
        let files = scratch.url.appendingPathComponent("\(name)-certs", isDirectory: true)
        let sidecar = try AgentSidecar(
            name: name, namespace: namespace, serviceAccount: name, ip: ip, labels: labels,
            agentArguments: [
                "agent", "--ca-addr", "127.0.0.1:\(securePort)", "--root-cert", rootCertPath.path,
                "--token-file", tokenFile.path, "--namespace", namespace, "--service-account", name,
                "--cert-ttl", certTTL, "--sds-socket", socket.path, "--output-dir", files.path, "--log-format", "json",
            ],
            files: files,
            sdsSocket: socket, xdsPort: xdsPort, directory: scratch.url)
        sidecars.append(sidecar)
        _ = try await sidecar.agent.waitForLog("workload certificate issued", within: .seconds(60))
        return sidecar
    }

    /// Polls `condition` every 250 ms until it holds or `limit` passes; records which
    /// wait ran out. Errors inside count as "not yet" (a process may be restarting).
    static func eventually(
        _ what: String, within limit: Duration, sourceLocation: SourceLocation = #_sourceLocation,
        _ condition: () async throws -> Bool
    ) async throws -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if (try? await condition()) == true { return true }
            try await Task.sleep(for: .milliseconds(250))
        }
        Issue.record("timed out after \(limit) waiting for \(what)", sourceLocation: sourceLocation)
        return false
    }

    /// No proxy rejected anything: serve's syncz and reject counter for xDS, each
    /// Envoy's own `update_rejected` counters for what its agent sent over SDS.
    func expectNoRejects(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let syncz = try await HTTP.get("http://\(monitoring)/debug/syncz").body
        #expect(!syncz.contains("\"NACKED\""), "a proxy NACKed: \(syncz)", sourceLocation: sourceLocation)
        let metrics = try await HTTP.get("http://\(monitoring)/metrics").body
        let rejects = metrics.split(separator: "\n").filter {
            $0.hasPrefix("pilot_total_xds_rejects{") && !$0.hasSuffix(" 0")
        }
        #expect(rejects.isEmpty, "rejects counted: \(rejects)", sourceLocation: sourceLocation)
        for sidecar in sidecars {
            let rejected = try await sidecar.envoy.stats(containing: "update_rejected").filter { $0.value != 0 }
            #expect(rejected.isEmpty, "\(sidecar.name)'s Envoy rejected: \(rejected)", sourceLocation: sourceLocation)
        }
    }
}

/// The shape every test here uses: a `client` sidecar whose egress listener calls
/// service `server`, whose sidecar terminates Istio mTLS on its ingress listener and
/// hands the request to a plain backend. Both workloads are WorkloadEntries labelled
/// `security.istio.io/tlsMode: istio` with their service accounts, so the client's
/// cluster uses auto-mTLS with the server's SPIFFE identity.
struct MutualTLSPair {
    let mesh: SecureMesh
    let client: AgentSidecar
    let server: AgentSidecar
    let backend: Backend
    /// The service port: the client's egress listener and the server's ingress
    /// listener both bind it, on their own addresses.
    let port: Int

    /// Loopback addresses: distinct per test, so suites can run side by side.
    struct Addresses {
        var client: String
        var server: String
        var backend: String
    }

    /// The client's egress listener.
    var url: String { "http://\(client.ip):\(port)/" }
    /// The service's name, which the egress route matches.
    var headers: [(String, String)] { [("host", "server.default.svc.cluster.local:\(port)")] }

    /// Starts serve, the backend, both workloads, and writes the mesh; returns once
    /// a request goes through.
    static func start(
        _ name: String, addresses: Addresses, certTTL: String, serveFlags: [String] = []
    ) async throws -> MutualTLSPair {
        let mesh = try await SecureMesh(name, workloadCertTTL: certTTL, serveFlags: serveFlags)
        let backend = try await mesh.backend("backend", host: addresses.backend)
        let port = try LocalPorts.free(host: addresses.server)
        try mesh.write(yaml(addresses: addresses, port: port, backend: backend), to: "mesh.yaml")
        let mtls = ["security.istio.io/tlsMode": "istio"]
        let client = try await mesh.sidecar(
            "client", ip: addresses.client, labels: ["app": "client"].merging(mtls) { $1 }, certTTL: certTTL)
        let server = try await mesh.sidecar(
            "server", ip: addresses.server, labels: ["app": "server"].merging(mtls) { $1 }, certTTL: certTTL)
        let pair = MutualTLSPair(mesh: mesh, client: client, server: server, backend: backend, port: port)
        try await MeshHarness.waitForBody("backend", at: pair.url, headers: pair.headers, within: .seconds(90))
        return pair
    }

    static func yaml(addresses: Addresses, port: Int, backend: Backend) -> String {
        """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: server, namespace: default}
        spec:
          hosts: [server.default.svc.cluster.local]
          location: MESH_INTERNAL
          ports: [{number: \(port), name: http, protocol: HTTP}]
          resolution: STATIC
          workloadSelector: {labels: {app: server}}
        ---
        apiVersion: networking.istio.io/v1
        kind: WorkloadEntry
        metadata: {name: server, namespace: default}
        spec:
          address: \(addresses.server)
          ports: {http: \(port)}
          labels: {app: server, security.istio.io/tlsMode: istio}
          serviceAccount: server
        ---
        apiVersion: networking.istio.io/v1
        kind: WorkloadEntry
        metadata: {name: client, namespace: default}
        spec:
          address: \(addresses.client)
          labels: {app: client, security.istio.io/tlsMode: istio}
          serviceAccount: client
        ---
        # One request per upstream connection: every request is a new mTLS handshake,
        # so each renewed certificate is put to use at once.
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: server, namespace: default}
        spec:
          host: server.default.svc.cluster.local
          trafficPolicy:
            connectionPool: {http: {maxRequestsPerConnection: 1}}
        ---
        apiVersion: security.istio.io/v1
        kind: PeerAuthentication
        metadata: {name: default, namespace: default}
        spec:
          mtls: {mode: STRICT}
        ---
        apiVersion: networking.istio.io/v1
        kind: Sidecar
        metadata: {name: client, namespace: default}
        spec:
          workloadSelector: {labels: {app: client}}
          egress:
          - port: {number: \(port), protocol: HTTP, name: http}
            bind: \(addresses.client)
            captureMode: NONE
            hosts: ["./*"]
        ---
        apiVersion: networking.istio.io/v1
        kind: Sidecar
        metadata: {name: server, namespace: default}
        spec:
          workloadSelector: {labels: {app: server}}
          ingress:
          - port: {number: \(port), protocol: HTTP, name: http}
            bind: \(addresses.server)
            defaultEndpoint: \(backend.host):\(backend.port)
            captureMode: NONE
        """
    }

    /// The mTLS handshakes so far: the server's inbound listener and the client's
    /// cluster to it.
    func handshakes() async throws -> (server: Int, client: Int) {
        let server = try await self.server.envoy.statSum(prefix: "listener.\(self.server.ip)_\(port).", suffix: ".ssl.handshake")
        let client = try await self.client.envoy.statSum(
            prefix: "cluster.outbound|\(port)||server.default.svc.cluster.local.", suffix: ".ssl.handshake")
        return (server, client)
    }
}
