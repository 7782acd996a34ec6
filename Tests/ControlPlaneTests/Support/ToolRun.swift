import Foundation

/// Runs a command-line tool without blocking a thread of the shared concurrency
/// pool: its output goes to a file and its exit is polled with `Task.sleep`, so many
/// tests running Envoy or openssl at once don't starve the rest of the suite.
enum ToolRun {
    struct Result {
        var status: Int32
        var output: String
    }

    static func run(_ executable: URL, _ arguments: [String], in directory: URL? = nil) async throws -> Result {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("tool-\(UUID().uuidString).log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: log) }
        let handle = try FileHandle(forWritingTo: log)
        defer { try? handle.close() }
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        while process.isRunning { try await Task.sleep(for: .milliseconds(20)) }
        process.waitUntilExit()
        return Result(status: process.terminationStatus, output: (try? String(contentsOf: log, encoding: .utf8)) ?? "")
    }
}
