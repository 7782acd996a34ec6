import Foundation

/// Runs the `openssl` command line tool: an implementation independent of ours to
/// read back what we produce.
enum OpenSSL {
    struct Failure: Error, CustomStringConvertible {
        var status: Int32
        var output: String
        var description: String { "openssl exited \(status): \(output)" }
    }

    /// Runs `openssl arguments` with `input` on stdin; returns stdout and stderr together.
    static func run(_ arguments: [String], input: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stdout
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let output = String(decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(status: process.terminationStatus, output: output)
        }
        return output
    }
}
