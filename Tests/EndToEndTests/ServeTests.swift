import Foundation
import Testing

/// `controld serve` as a user runs it: the real binary, real sockets, real signals.
@Suite("controld serve", .timeLimit(.minutes(3)))
struct ServeTests {
    /// The bound on shutdown after SIGTERM or SIGINT that orchestrators rely on.
    static let shutdownLimit: Duration = .seconds(5)

    private func startServing(_ extra: [String] = []) async throws -> (ControldProcess, String) {
        let controld = try ControldProcess(
            ["serve", "--monitoring-addr", "127.0.0.1:0", "--grpc-addr", "127.0.0.1:0", "--secure-grpc-addr", "127.0.0.1:0", "--log-format", "json"] + extra)
        let address = try await controld.waitForMonitoringAddress()
        return (controld, "http://\(address)")
    }

    @Test("serves /metrics, /ready and /healthz, and exits 0 within 5 s of SIGTERM")
    func serveAndSIGTERM() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("controld-mesh-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try """
        apiVersion: networking.istio.io/v1
        kind: Gateway
        metadata:
          name: public
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata:
          name: reviews
        """.write(to: directory.appendingPathComponent("mesh.yaml"), atomically: true, encoding: .utf8)

        let (controld, base) = try await startServing(["--config-dir", directory.path])

        let health = try await HTTP.get("\(base)/healthz")
        #expect(health.status == 200)
        let ready = try await HTTP.waitForStatus(200, at: "\(base)/ready", within: .seconds(60))
        #expect(ready.body == "ok\n")
        let metrics = try await HTTP.get("\(base)/metrics")
        #expect(metrics.status == 200)
        #expect(metrics.contentType == "text/plain; version=0.0.4; charset=utf-8")
        #expect(metrics.body.contains(#"istio_build{component="pilot",tag=""#))
        #expect(metrics.body.contains("process_resident_memory_bytes "))

        // Both objects were read; neither is valid (no servers, no hosts), and the log says so.
        let loaded = try await controld.waitForLog("loaded config directory", within: .seconds(30))
        #expect(loaded["objects"] as? String == "2")
        #expect(loaded["rejected"] as? String == "2")

        controld.process.terminate()
        #expect(try await controld.waitForExit(within: Self.shutdownLimit) == 0)
    }

    @Test("exits 0 within 5 s of SIGINT")
    func sigint() async throws {
        let (controld, base) = try await startServing()
        #expect(try await HTTP.waitForStatus(200, at: "\(base)/ready", within: .seconds(60)).status == 200)
        controld.process.interrupt()
        #expect(try await controld.waitForExit(within: Self.shutdownLimit) == 0)
    }

    @Test("a busy monitoring port exits 1 with one line naming the flag")
    func busyPort() async throws {
        let (first, base) = try await startServing()
        let address = String(base.dropFirst("http://".count))

        let second = try ControldProcess(["serve", "--monitoring-addr", address, "--grpc-addr", "127.0.0.1:0", "--secure-grpc-addr", "127.0.0.1:0", "--log-format", "json"])
        #expect(try await second.waitForExit(within: .seconds(60)) == 1)
        let nonLogLines = second.standardErrorLines.filter { !$0.hasPrefix("{") }
        #expect(nonLogLines == ["controld: --monitoring-addr \(address): address already in use"])
        #expect(second.standardErrorLines.last == nonLogLines.first)

        first.process.terminate()
        #expect(try await first.waitForExit(within: Self.shutdownLimit) == 0)
    }

    @Test("a busy xDS port exits 1 with one line naming --grpc-addr")
    func busyXDSPort() async throws {
        let (first, _) = try await startServing()
        let xds = try #require(try await first.waitForLog("xDS server listening", within: .seconds(60))["address"] as? String)

        let second = try ControldProcess(["serve", "--monitoring-addr", "127.0.0.1:0", "--grpc-addr", xds, "--secure-grpc-addr", "127.0.0.1:0", "--log-format", "json"])
        #expect(try await second.waitForExit(within: .seconds(60)) == 1)
        let nonLogLines = second.standardErrorLines.filter { !$0.hasPrefix("{") }
        #expect(nonLogLines == ["controld: --grpc-addr \(xds): address already in use"])

        first.process.terminate()
        #expect(try await first.waitForExit(within: Self.shutdownLimit) == 0)
    }
}
