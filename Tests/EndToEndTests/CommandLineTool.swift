import Foundation

/// Runs a command-line tool (openssl, curl) without holding a thread of the shared
/// concurrency pool: stdout and stderr go to files and the exit is polled with
/// `Task.sleep`, so tests that shell out don't starve the timing-sensitive ones.
enum CommandLineTool {
    struct Result {
        var status: Int32
        /// What the tool wrote to stdout.
        var output: String
        /// What it wrote to stderr.
        var errors: String
    }

    static func run(_ tool: String, _ arguments: [String], in directory: URL? = nil) async throws -> Result {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("tool-\(UUID().uuidString)")
        let stdout = base.appendingPathExtension("out")
        let stderr = base.appendingPathExtension("err")
        for file in [stdout, stderr] { FileManager.default.createFile(atPath: file.path, contents: nil) }
        defer { for file in [stdout, stderr] { try? FileManager.default.removeItem(at: file) } }
        let outHandle = try FileHandle(forWritingTo: stdout)
        defer { try? outHandle.close() }
        let errHandle = try FileHandle(forWritingTo: stderr)
        defer { try? errHandle.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        if let directory { process.currentDirectoryURL = directory }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = outHandle
        process.standardError = errHandle
        try process.run()
        while process.isRunning { try await Task.sleep(for: .milliseconds(20)) }
        process.waitUntilExit()
        func read(_ file: URL) -> String { (try? String(contentsOf: file, encoding: .utf8)) ?? "" }
        return Result(status: process.terminationStatus, output: read(stdout), errors: read(stderr))
    }
}
