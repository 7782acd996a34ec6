import AsyncHTTPClient
import Foundation
import Testing

/// A real `controld serve` on a watched directory of mesh YAML, with real Envoys
/// connected to it as gateways or sidecars, and local backends that say who
/// answered: the mesh of the translation tests, all on loopback.
final class MeshHarness {
    let scratch: ScratchDirectory
    let meshDirectory: URL
    let serve: ControldProcess
    let monitoring: String
    let xdsPort: Int
    private(set) var envoys: [EnvoyProcess] = []
    private(set) var backends: [Backend] = []

    init(_ name: String) async throws {
        scratch = try ScratchDirectory(name)
        meshDirectory = scratch.url.appendingPathComponent("mesh", isDirectory: true)
        try FileManager.default.createDirectory(at: meshDirectory, withIntermediateDirectories: true)
        serve = try ControldProcess([
            "serve", "--config-dir", meshDirectory.path, "--monitoring-addr", "127.0.0.1:0", "--grpc-addr", "127.0.0.1:0",
            "--secure-grpc-addr", "127.0.0.1:0", "--log-format", "json", "--ca-dir", scratch.url.appendingPathComponent("ca").path,
        ])
        monitoring = try await serve.waitForMonitoringAddress()
        let xds = try await serve.waitForLog("xDS server listening", within: .seconds(60))
        let address = try #require(xds["address"] as? String)
        xdsPort = try #require(address.split(separator: ":").last.flatMap { Int($0) })
    }

    deinit {
        for envoy in envoys { envoy.stop() }
        serve.process.terminate()
    }

    /// Writes `yaml` to `file` in the watched directory, atomically, as an editor's
    /// save would.
    func write(_ yaml: String, to file: String) throws {
        try Data(yaml.utf8).write(to: meshDirectory.appendingPathComponent(file), options: .atomic)
    }

    /// A backend answering with its name on `host` (a free port is picked).
    func backend(_ name: String, host: String) async throws -> Backend {
        let backend = try Backend(name: name, host: host, directory: scratch.url)
        backends.append(backend)
        try await backend.waitUntilServing()
        return backend
    }

    /// An Envoy connected to controld with node id `TYPE~IP~NAME.NS~NS.svc.cluster.local`.
    func envoy(
        type: String, ip: String, name: String, namespace: String = "default", labels: [String: String],
        variant: EnvoyProcess.ADSVariant = .stateOfTheWorld
    ) throws -> EnvoyProcess {
        let envoy = try EnvoyProcess(
            nodeID: "\(type)~\(ip)~\(name).\(namespace)~\(namespace).svc.cluster.local",
            metadata: [
                "NAMESPACE": namespace, "ISTIO_VERSION": "1.28.0", "LABELS": labels,
                // No iptables: only the listeners the Gateway and Sidecar resources bind.
                "INTERCEPTION_MODE": "NONE", "SERVICE_ACCOUNT": name,
            ],
            xdsPort: xdsPort, variant: variant, directory: scratch.url)
        envoys.append(envoy)
        return envoy
    }

    /// No proxy has rejected anything: syncz shows no NACK and the reject counter
    /// was never incremented.
    func expectNoRejects(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let syncz = try await HTTP.get("http://\(monitoring)/debug/syncz").body
        #expect(!syncz.contains("\"NACKED\""), "a proxy NACKed: \(syncz)", sourceLocation: sourceLocation)
        let metrics = try await HTTP.get("http://\(monitoring)/metrics").body
        let rejects = metrics.split(separator: "\n").filter { $0.hasPrefix("pilot_total_xds_rejects{") && !$0.hasSuffix(" 0") }
        #expect(rejects.isEmpty, "rejects counted: \(rejects)", sourceLocation: sourceLocation)
    }

    /// Sends `count` GETs to `url` and counts the answers by body; failures under "!STATUS".
    static func tally(_ url: String, count: Int, headers: [(String, String)] = []) async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for _ in 0..<count {
            let reply = try await request(url, headers: headers)
            counts[reply.status == 200 ? reply.body : "!\(reply.status)", default: 0] += 1
        }
        return counts
    }

    /// One GET with extra headers.
    static func request(_ url: String, headers: [(String, String)] = [], timeout: Int64 = 10) async throws -> HTTP.Reply {
        var request = HTTPClientRequest(url: url)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(timeout))
        let body = try await response.body.collect(upTo: 1 << 20)
        return HTTP.Reply(
            status: Int(response.status.code), contentType: response.headers.first(name: "content-type"),
            body: body.getString(at: body.readerIndex, length: body.readableBytes) ?? "")
    }

    /// Waits until `url` answers 200 with `body`.
    static func waitForBody(_ body: String, at url: String, headers: [(String, String)] = [], within limit: Duration) async throws {
        let deadline = ContinuousClock.now + limit
        var last = "no answer"
        while ContinuousClock.now < deadline {
            if let reply = try? await request(url, headers: headers, timeout: 5) {
                if reply.status == 200 && reply.body == body { return }
                last = "\(reply.status) \(reply.body)"
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw WaitTimeout(what: "\(body) from \(url) (last: \(last))", stderr: "")
    }
}
