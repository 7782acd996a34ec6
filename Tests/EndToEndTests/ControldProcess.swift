import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing

/// A controld child process whose stdout and stderr go to files the test polls.
///
/// Every wait is bounded and polls, so the tests hold on a slow, loaded machine
/// without fixed sleeps.
final class ControldProcess {
    let process = Process()
    let workingDirectory: URL
    private let stdoutURL: URL
    private let stderrURL: URL

    /// Starts `controld` with `arguments` in a fresh empty working directory, so no
    /// `./mesh` is picked up by accident.
    init(_ arguments: [String]) throws {
        workingDirectory = FileManager.default.temporaryDirectory
            .appendingPathComponent("controld-e2e-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: workingDirectory, withIntermediateDirectories: true)
        stdoutURL = workingDirectory.appendingPathComponent(".stdout")
        stderrURL = workingDirectory.appendingPathComponent(".stderr")
        _ = FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)

        process.executableURL = try ControldBinary.url()
        process.arguments = arguments
        process.currentDirectoryURL = workingDirectory
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: stdoutURL)
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        try process.run()
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: workingDirectory)
    }

    var standardOutput: String { (try? String(contentsOf: stdoutURL, encoding: .utf8)) ?? "" }
    var standardError: String { (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "" }
    var standardErrorLines: [String] { standardError.split(separator: "\n").map(String.init) }

    /// Waits for the process to exit; returns its status, or nil on timeout or
    /// when a signal killed it.
    func waitForExit(within limit: Duration) async throws -> Int32? {
        let deadline = ContinuousClock.now + limit
        while process.isRunning {
            guard ContinuousClock.now < deadline else { return nil }
            try await Task.sleep(for: .milliseconds(20))
        }
        process.waitUntilExit()
        return process.terminationReason == .exit ? process.terminationStatus : nil
    }

    /// Waits for a JSON log line whose `msg` is `message`; returns the line's fields.
    func waitForLog(_ message: String, within limit: Duration) async throws -> [String: Any] {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            for line in standardErrorLines where line.hasPrefix("{") {
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                    continue
                }
                if object["msg"] as? String == message { return object }
            }
            if !process.isRunning {
                Issue.record("controld exited before logging \(message): \(standardError)")
                break
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw WaitTimeout(what: "log line \(message)", stderr: standardError)
    }

    /// Waits for the monitoring server's "listening" log and returns its address.
    func waitForMonitoringAddress(within limit: Duration = .seconds(60)) async throws -> String {
        let fields = try await waitForLog("monitoring server listening", within: limit)
        return try #require(fields["address"] as? String)
    }
}

/// A bounded wait ran out.
struct WaitTimeout: Error, CustomStringConvertible {
    var what: String
    var stderr: String
    var description: String { "timed out waiting for \(what); stderr:\n\(stderr)" }
}
