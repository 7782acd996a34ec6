import Foundation

/// One load test: the server child, N fake proxies, a series of timed pushes.
struct LoadRun {
    let connections: Int
    let clusters: Int
    let pushes: Int
    let connectTimeout: Duration

    func run() async throws {
        let server = try ServerChild(clusters: clusters)
        defer { server.stop() }
        let listening = try server.next()
        guard let port = listening["port"] as? Int else { throw LoadError("server did not report its port") }
        let baseline = try server.command("stats")["rssBytes"] as? Int ?? 0

        let progress = LoadProgress()
        let connectStarted = ContinuousClock.now
        try await withThrowingDiscardingTaskGroup { group in
            for index in 0..<connections {
                group.addTask {
                    do {
                        try await FakeProxy(index: index, port: port, progress: progress).run()
                    } catch is CancellationError {
                    } catch {
                        progress.failed()
                    }
                }
            }
            let deadline = connectStarted + connectTimeout
            while progress.snapshot.ready < connections {
                guard ContinuousClock.now < deadline else {
                    throw LoadError("only \(progress.snapshot.ready) of \(connections) proxies in sync in time")
                }
                try await Task.sleep(for: .milliseconds(50))
            }
            let connectTime = ContinuousClock.now - connectStarted
            let stats = try server.command("stats")
            let rss = stats["rssBytes"] as? Int ?? 0
            let held = stats["connections"] as? Int ?? 0

            var rounds: [[String: Any]] = []
            for _ in 0..<pushes {
                try await Task.sleep(for: .milliseconds(500))
                rounds.append(try server.command("push"))
            }
            let report = LoadReport(
                connections: connections, held: held, clusters: clusters, connectTime: connectTime,
                baselineRSS: baseline, loadedRSS: rss, rounds: rounds, failed: progress.snapshot.failed
            )
            print(report.text)
            group.cancelAll()
        }
    }
}

struct LoadError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// The `xds-load server` child process, spoken to over its stdin and stdout.
final class ServerChild: @unchecked Sendable {
    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private var buffer = Data()

    init(clusters: Int) throws {
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        process.arguments = ["server", "--clusters", String(clusters)]
        process.standardInput = input
        process.standardOutput = output
        try process.run()
    }

    func stop() {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }

    func command(_ line: String) throws -> [String: Any] {
        input.fileHandleForWriting.write(Data((line + "\n").utf8))
        return try next()
    }

    /// The next JSON line from the server (blocking: the server answers each command).
    func next() throws -> [String: Any] {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = buffer[buffer.startIndex..<newline]
                buffer = Data(buffer[buffer.index(after: newline)...])
                return (try JSONSerialization.jsonObject(with: line) as? [String: Any]) ?? [:]
            }
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else { throw LoadError("the server exited") }
            buffer.append(chunk)
        }
    }
}
