import Foundation
import Logging
import GRPCCore
import GRPCNIOTransportHTTP2Posix
import Metrics
import MetricsTestKit
import XDS

/// The server side of the load test, run as a child process so its memory is its own.
///
/// It serves a `SyntheticMesh` on a loopback port and takes commands on stdin, one per
/// line, answering each with one JSON line on stdout:
/// - `push`: change every cluster's endpoints, push EDS to all, and report how long
///   each proxy took to ACK (from the server's convergence metric) and the bytes sent;
/// - `stats`: connections held and resident memory.
enum LoadServer {
    static func run(clusters: Int) async throws {
        let metrics = TestMetrics()
        let mesh = SyntheticMesh(clusterCount: clusters)
        var logger = Logger(label: "xds-load")
        logger.logLevel = .warning
        let xds = XDSServer(provider: mesh, logger: logger, metricsFactory: metrics)
        let transport = HTTP2ServerTransport.Posix(
            address: .ipv4(host: "127.0.0.1", port: 0),
            transportSecurity: .plaintext,
            config: .defaults { $0.http2.maxConcurrentStreams = 100_000 }
        )
        let grpc = GRPCServer(transport: transport, services: [AggregatedDiscoveryService(server: xds)])
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await grpc.serve() }
            let port = try await transport.listeningAddress.ipv4?.port ?? 0
            emit(["event": "listening", "port": port])
            while let line = readLine() {
                switch line {
                case "push":
                    emit(try await push(xds: xds, mesh: mesh, metrics: metrics))
                case "stats":
                    emit(["event": "stats", "connections": xds.connectionCount, "rssBytes": ResidentMemory.bytes(of: getpid())])
                default:
                    emit(["event": "error", "message": "unknown command \(line)"])
                }
            }
            grpc.beginGracefulShutdown()
            xds.closeAllStreams()
            group.cancelAll()
        }
    }

    static func push(xds: XDSServer, mesh: SyntheticMesh, metrics: TestMetrics) async throws -> [String: Any] {
        let expected = xds.connectionCount
        metrics.reset()
        mesh.bumpEndpoints()
        let started = ContinuousClock.now
        xds.push(.full([.endpoint], reason: "endpoint", triggeredAt: started))
        let deadline = started + .seconds(300)
        var acks: [Int64] = []
        while ContinuousClock.now < deadline {
            acks = (try? metrics.expectTimer("pilot_proxy_convergence_time").values) ?? []
            if acks.count >= expected { break }
            try await Task.sleep(for: .milliseconds(2))
        }
        let bytes = metrics.recorders(label: "pilot_xds_config_size_bytes")
            .flatMap(\.values).reduce(0.0, +)
        let sorted = acks.sorted()
        func percentile(_ p: Double) -> Double {
            guard !sorted.isEmpty else { return .nan }
            let index = min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)
            return Double(sorted[max(0, index)]) / 1e6
        }
        return [
            "event": "pushed", "connections": expected, "acked": acks.count,
            "p50ms": percentile(0.5), "p99ms": percentile(0.99), "maxms": percentile(1.0),
            "bytesSent": Int(bytes),
        ]
    }

    static func emit(_ object: [String: Any]) {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }
}

/// Resident memory of a process, from /proc.
enum ResidentMemory {
    static func bytes(of pid: Int32) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            let kilobytes = line.split(separator: " ").compactMap { Int($0) }.first ?? 0
            return kilobytes * 1024
        }
        return 0
    }
}
