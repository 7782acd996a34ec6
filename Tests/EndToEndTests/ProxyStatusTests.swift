import Foundation
import Testing

/// `controld proxy-status` and `proxy-config` as a user runs them: against the real
/// `controld serve` binary with a real Envoy connected to its xDS port.
@Suite("controld proxy-status and proxy-config", .timeLimit(.minutes(3)))
struct ProxyStatusTests {
    static let nodeID = "sidecar~127.0.0.1~status-e2e.default~default.svc.cluster.local"

    /// Runs a short-lived `controld` command; returns its exit status and output.
    private func run(_ arguments: [String]) async throws -> (status: Int32?, stdout: String, stderr: [String]) {
        let controld = try ControldProcess(arguments)
        let status = try await controld.waitForExit(within: .seconds(60))
        return (status, controld.standardOutput, controld.standardErrorLines)
    }

    /// The states syncz reports for the proxy, keyed by type URL.
    private func states(at monitoring: String) async throws -> [String: String] {
        let body = try await HTTP.get("http://\(monitoring)/debug/syncz").body
        let proxies = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [[String: Any]] ?? []
        let proxy = proxies.first { $0["proxyID"] as? String == Self.nodeID }
        var states: [String: String] = [:]
        for type in proxy?["types"] as? [[String: Any]] ?? [] {
            if let url = type["typeURL"] as? String { states[url] = type["state"] as? String }
        }
        return states
    }

    @Test("an Envoy that ACKed shows as SYNCED in proxy-status, and proxy-config prints what it was sent")
    func connectedEnvoy() async throws {
        let serve = try ControldProcess([
            "serve", "--monitoring-addr", "127.0.0.1:0", "--grpc-addr", "127.0.0.1:0", "--secure-grpc-addr", "127.0.0.1:0", "--log-format", "json",
        ])
        let monitoring = try await serve.waitForMonitoringAddress()
        let xds = try await serve.waitForLog("xDS server listening", within: .seconds(60))
        let xdsAddress = try #require(xds["address"] as? String)
        let xdsPort = try #require(xdsAddress.split(separator: ":").last.flatMap { Int($0) })

        let scratch = try ScratchDirectory("proxy-status")
        let envoy = try EnvoyProcess(
            nodeID: Self.nodeID,
            metadata: [
                "NAMESPACE": "default", "ISTIO_VERSION": "1.28.0", "CLUSTER_ID": "Kubernetes", "INTERCEPTION_MODE": "NONE",
            ],
            xdsPort: xdsPort, variant: .stateOfTheWorld, directory: scratch.url)
        defer { envoy.stop() }

        // An empty mesh serves only the fallback clusters and no listeners; Envoy ACKs both.
        try await eventually("Envoy SYNCED for CDS and LDS", within: .seconds(60)) {
            let states = try await states(at: monitoring)
            return states["type.googleapis.com/envoy.config.cluster.v3.Cluster"] == "SYNCED"
                && states["type.googleapis.com/envoy.config.listener.v3.Listener"] == "SYNCED"
        }

        let status = try await run(["proxy-status", "--addr", monitoring])
        #expect(status.status == 0)
        #expect(status.stderr.isEmpty)
        let lines = status.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true) }
        #expect(lines.first == ["NAME", "CLUSTER", "CDS", "LDS", "EDS", "RDS", "ISTIOD", "VERSION"])
        #expect(lines.count == 2)
        let row = try #require(lines.last).map(String.init)
        // NOT SENT is two words; the name, cluster, CDS and LDS lead the row.
        #expect(Array(row.prefix(4)) == [Self.nodeID, "Kubernetes", "SYNCED", "SYNCED"])
        #expect(row.suffix(2).first?.hasPrefix("controld-") == true)
        #expect(row.last == "1.28.0")

        let clusters = try await run(["proxy-config", "clusters", Self.nodeID, "--addr", monitoring, "-o", "json"])
        #expect(clusters.status == 0)
        #expect(clusters.stderr.isEmpty)
        // An empty mesh still has Istio's fallback clusters.
        let parsed = try JSONSerialization.jsonObject(with: Data(clusters.stdout.utf8)) as? [[String: Any]]
        let names = Set((parsed ?? []).compactMap { $0["name"] as? String })
        #expect(names == ["BlackHoleCluster", "InboundPassthroughCluster", "PassthroughCluster"])

        let listeners = try await run(["proxy-config", "listeners", Self.nodeID, "--addr", monitoring])
        #expect(listeners.status == 0)
        #expect(listeners.stdout == "ADDRESSES PORT MATCH DESTINATION\n")

        let unknown = try await run(["proxy-config", "routes", "sidecar~10.9.9.9~gone.default~default.svc", "--addr", monitoring])
        #expect(unknown.status == 1)
        #expect(unknown.stderr == ["controld: no proxy sidecar~10.9.9.9~gone.default~default.svc is connected"])
        #expect(unknown.stdout.isEmpty)

        serve.process.terminate()
        #expect(try await serve.waitForExit(within: .seconds(5)) == 0)
    }

    @Test("with nothing listening at --addr, both commands print one line and exit 1")
    func nothingListening() async throws {
        let port = try LocalPorts.free()
        let address = "127.0.0.1:\(port)"
        for arguments in [["proxy-status", "--addr", address], ["proxy-config", "clusters", "x", "--addr", address]] {
            let result = try await run(arguments)
            #expect(result.status == 1)
            #expect(result.stderr == ["controld: cannot reach controld at \(address): connection refused"])
            #expect(result.stdout.isEmpty)
        }
    }
}
