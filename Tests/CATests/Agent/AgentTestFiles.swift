import Foundation

/// A fresh directory under /tmp, with a short path: Unix socket paths are limited
/// to about 100 bytes.
struct AgentTestDirectory {
    let path: String

    init() throws {
        path = "/tmp/agt-\(UInt32.random(in: .min ... .max))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { path + "/" + name }

    func write(_ text: String, to name: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: file(name)))
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}
