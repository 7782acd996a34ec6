import Foundation
import XDS

/// The real server under load: `controld serve` on a generated directory, N fake
/// sidecars connected and in sync, then edits to the directory timed from the file
/// write to each proxy's ACK of the update it causes.
///
/// - A VirtualService's weights change: the route tables change, so every proxy
///   gets RDS; the time runs to each proxy's first RDS ACK after the write.
/// - A WorkloadEntry is added: only endpoints change, so every proxy should get EDS
///   and nothing else; the time runs to each proxy's first EDS ACK after the write.
///
/// After each change the run waits a little longer and counts every response the
/// proxies received by type, which shows what the server actually pushed.
struct EndToEndRun {
    let services: Int
    let proxies: Int
    let changes: Int
    let controld: URL
    let directory: URL
    let connectTimeout: Duration

    /// One timed change: per-proxy latencies (seconds) and the responses received.
    struct Round {
        var latencies: [Double]
        var responses: [TypeURL: Int]
        var bytes: [TypeURL: Int]
    }

    struct Result {
        var connectSeconds: Double
        var inSync: Int
        var serverRSS: Int
        var serverBaselineRSS: Int
        var routeRounds: [Round]
        var endpointRounds: [Round]
        var failures: [String]
        var complaints: [String]
    }

    func run() async throws -> Result {
        let fixture = try MeshFixture.write(services: services, to: directory.appendingPathComponent("mesh"))
        let caDirectory = directory.appendingPathComponent("ca")
        try FileManager.default.createDirectory(at: caDirectory, withIntermediateDirectories: true)
        let server = try ControldChild(binary: controld, configDirectory: fixture.root, caDirectory: caDirectory)
        defer { server.stop() }
        let port = try await server.xdsPort(timeout: .seconds(120))
        // Let the first PushContext build before the baseline is read.
        try await Task.sleep(for: .seconds(2))
        let baselineRSS = server.residentBytes

        let log = ProxyLog()
        return try await withThrowingTaskGroup(of: Void.self) { group in
            let connectStarted = ContinuousClock.now
            for index in 0..<proxies {
                group.addTask {
                    // Like Envoy, a proxy whose stream fails connects again a second later.
                    while !Task.isCancelled {
                        do {
                            try await BenchProxy(index: index, port: port, log: log).run()
                        } catch is CancellationError {
                            return
                        } catch {
                            log.failed("proxy \(index): \(error)")
                        }
                        try? await Task.sleep(for: .seconds(1))
                    }
                }
            }
            while log.inSync < proxies {
                guard ContinuousClock.now < connectStarted + connectTimeout else {
                    throw BenchError("only \(log.inSync) of \(proxies) proxies in sync in time; failures: \(log.failures.prefix(3))")
                }
                try await Task.sleep(for: .milliseconds(20))
            }
            let connectSeconds = (ContinuousClock.now - connectStarted).seconds
            Self.progress("all \(proxies) proxies in sync after \(Int(connectSeconds)) s")
            try await Task.sleep(for: .seconds(2))
            let serverRSS = server.residentBytes

            var routeRounds: [Round] = []
            for round in 0..<changes {
                // 80/20, 70/30, …: always different from the weights in force.
                let first = 80 - 10 * (round % 8)
                routeRounds.append(try await timeChange(awaiting: .route, log: log) {
                    try fixture.rewriteVirtualService(0, weights: (first, 100 - first))
                })
            }
            var endpointRounds: [Round] = []
            for round in 0..<changes {
                endpointRounds.append(try await timeChange(awaiting: .endpoint, log: log) {
                    try fixture.addWorkloadEntry(0, replica: 100 + round, address: "10.250.0.\(round + 1)")
                })
            }
            group.cancelAll()
            return Result(
                connectSeconds: connectSeconds, inSync: log.inSync, serverRSS: serverRSS, serverBaselineRSS: baselineRSS,
                routeRounds: routeRounds, endpointRounds: endpointRounds, failures: log.failures,
                complaints: server.complaints)
        }
    }

    /// Makes the change, waits until every proxy has ACKed a `type` response sent
    /// after it, then (after a quiet second) counts what was received.
    func timeChange(awaiting type: TypeURL, log: ProxyLog, change: () throws -> Void) async throws -> Round {
        try await Task.sleep(for: .seconds(1))
        let started = ContinuousClock.now
        try change()
        var acks: [Int: ContinuousClock.Instant] = [:]
        while true {
            acks = log.firstACKs(of: type, since: started)
            if acks.count >= proxies { break }
            guard ContinuousClock.now < started + .seconds(300) else {
                throw BenchError("only \(acks.count) of \(proxies) proxies ACKed \(type.shortName) after the change")
            }
            try await Task.sleep(for: .milliseconds(5))
        }
        Self.progress("\(type.shortName) ACKed by all \(proxies) proxies after \(Int((ContinuousClock.now - started).seconds * 1000)) ms")
        try await Task.sleep(for: .seconds(1))
        let events = log.events(since: started)
        return Round(
            latencies: acks.values.map { (started.duration(to: $0)).seconds },
            responses: Dictionary(grouping: events, by: \.type).mapValues(\.count),
            bytes: Dictionary(grouping: events, by: \.type).mapValues { $0.reduce(0) { $0 + $1.bytes } })
    }

    static func progress(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
