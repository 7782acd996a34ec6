import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A helper process (Envoy, a backend) whose output goes to a file, killed when the
/// test lets go of it.
final class ChildProcess {
    let process = Process()
    let logURL: URL
    let name: String

    init(name: String, executable: URL, arguments: [String], directory: URL) throws {
        self.name = name
        logURL = directory.appendingPathComponent("\(name).log")
        FileManager.default.createFile(atPath: logURL.path, contents: nil)
        let log = try FileHandle(forWritingTo: logURL)
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = log
        process.standardError = log
        try process.run()
    }

    deinit { stop() }

    /// Kills the helper at once. No test needs its graceful exit, and children
    /// inherit the test runner's blocked SIGTERM anyway: waiting for one would hold a
    /// thread of the 2-thread pool for a second per child (suites stopping six Envoys
    /// starved timing-sensitive tests).
    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    var output: String { (try? String(contentsOf: logURL, encoding: .utf8)) ?? "" }
}

/// A scratch directory removed when the test ends.
final class ScratchDirectory {
    let url: URL

    init(_ prefix: String) throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(prefix)-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }
}

/// Where the Python venv that `scripts/setup` makes lives: the package root's `.venv`.
enum Venv {
    static var root: URL {
        // Tests/EndToEndTests/Envoy/ChildProcess.swift → package root.
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
    }

    static var python: URL {
        if let override = ProcessInfo.processInfo.environment["CONTROLD_PYTHON"], !override.isEmpty {
            return URL(fileURLWithPath: override)
        }
        return root.appendingPathComponent(".venv/bin/python")
    }
}
