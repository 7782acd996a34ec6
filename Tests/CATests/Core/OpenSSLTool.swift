import Foundation

/// The `openssl` command line, the independent judge of what the CA issues.
enum OpenSSLTool {
    struct Failure: Error, CustomStringConvertible {
        var arguments: [String]
        var status: Int32
        var output: String
        var description: String { "openssl \(arguments.joined(separator: " ")) exited \(status): \(output)" }
    }

    /// Runs `openssl arguments` and returns its standard output; throws on failure.
    @discardableResult
    static func run(_ arguments: [String], in directory: URL? = nil) throws -> String {
        let (status, output) = try attempt(arguments, in: directory)
        guard status == 0 else { throw Failure(arguments: arguments, status: status, output: output) }
        return output
    }

    /// Runs `openssl arguments`, returning the exit status and combined output.
    static func attempt(_ arguments: [String], in directory: URL? = nil) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        if let directory { process.currentDirectoryURL = directory }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// A CSR made by openssl for a new key (`ec` P-256/P-384 or `rsa:BITS`) whose only
    /// SAN is `uri`, as a PEM string.
    static func csr(in directory: URL, key: String = "ec:P-256", uri: String?) throws -> String {
        let name = UUID().uuidString
        var arguments = ["req", "-new", "-subj", "/", "-keyout", "\(name).key", "-out", "\(name).csr", "-nodes"]
        if key.hasPrefix("ec:") {
            arguments += ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:\(key.dropFirst(3))"]
        } else {
            arguments += ["-newkey", key]
        }
        if let uri { arguments += ["-addext", "subjectAltName=URI:\(uri)"] }
        try run(arguments, in: directory)
        return try String(contentsOf: directory.appendingPathComponent("\(name).csr"), encoding: .utf8)
    }
}

/// A fresh directory under the system's temporary directory, removed by the caller.
struct TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("ca-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    var path: String { url.path }

    func file(_ name: String) -> URL { url.appendingPathComponent(name) }

    func write(_ text: String, to name: String) throws {
        try text.write(to: file(name), atomically: true, encoding: .utf8)
    }

    func remove() { try? FileManager.default.removeItem(at: url) }
}
