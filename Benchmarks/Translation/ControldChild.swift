import Foundation
import Synchronization

/// The real `controld serve` as a child process, serving one config directory on
/// loopback ports the kernel picks. Its JSON log is read on a thread of its own (so
/// a full pipe never stalls the server) until it names the xDS address.
final class ControldChild: @unchecked Sendable {
    private let process: Process
    private let output = Pipe()
    private let lines = Mutex<[String]>([])

    var pid: Int32 { process.processIdentifier }

    init(binary: URL, configDirectory: URL, caDirectory: URL) throws {
        let process = Process()
        process.executableURL = binary
        process.arguments = [
            "serve", "--config-dir", configDirectory.path,
            "--grpc-addr", "127.0.0.1:0", "--monitoring-addr", "127.0.0.1:0", "--secure-grpc-addr", "127.0.0.1:0",
            "--ca-dir", caDirectory.path, "--log-format", "json",
        ]
        process.standardOutput = output
        process.standardError = output
        self.process = process
        try process.run()
        Thread.detachNewThread { [self] in
            var buffer = Data()
            while true {
                let chunk = output.fileHandleForReading.availableData
                if chunk.isEmpty { return }
                buffer.append(chunk)
                while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                    buffer = Data(buffer[buffer.index(after: newline)...])
                    self.lines.withLock { $0.append(line) }
                }
            }
        }
    }

    /// The plaintext xDS port, from the "xDS server listening" log line.
    func xdsPort(timeout: Duration) async throws -> Int {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            for line in lines.withLock({ $0 }) {
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                    object["msg"] as? String == "xDS server listening",
                    let address = object["address"] as? String,
                    let port = address.split(separator: ":").last.flatMap({ Int($0) })
                else { continue }
                return port
            }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw BenchError("controld did not report its xDS address; it said:\n" + lines.withLock { $0.suffix(20).joined(separator: "\n") })
    }

    /// Log lines whose level is warning or worse, for the report.
    var complaints: [String] {
        lines.withLock { $0.filter { $0.contains("\"level\":\"warning\"") || $0.contains("\"level\":\"error\"") } }
    }

    var residentBytes: Int { MemoryProbe.residentBytes(of: process.processIdentifier) }

    func stop() {
        process.terminate()
        process.waitUntilExit()
    }
}
