import Foundation
import Testing

@testable import Discovery

/// The raw objects of a YAML text, as the directory source would read it.
func rawObjects(_ yaml: String, path: String = "/mesh/test.yaml") throws -> [RawObject] {
    try ConfigFile.read(path: path, data: Data(yaml.utf8), generation: 1).objects
}

/// The single object of `yaml`, decoded as `R`, with its unknown fields.
func decodeOne<R: Resource>(_ type: R.Type, _ yaml: String) throws -> (R, [String]) {
    let objects = try rawObjects(yaml)
    try #require(objects.count == 1)
    let decoded = try ResourceDecoder.decode(objects[0])
    let value = try #require(decoded.resource as? R)
    return (value, decoded.unknownFields)
}

/// The validation findings of the single object in `yaml`, as `path: message` lines;
/// a decoding failure comes back as its message.
func findings(_ yaml: String) throws -> [String] {
    let objects = try rawObjects(yaml)
    try #require(objects.count == 1)
    do {
        let decoded = try ResourceDecoder.decode(objects[0])
        return ResourceValidator.validate(decoded.resource).all.map(\.description)
    } catch {
        return ["decode: \(error)"]
    }
}

/// Error findings only.
func errors(_ yaml: String) throws -> [String] {
    let objects = try rawObjects(yaml)
    try #require(objects.count == 1)
    do {
        let decoded = try ResourceDecoder.decode(objects[0])
        return ResourceValidator.validate(decoded.resource).errors.map(\.description)
    } catch {
        return ["decode: \(error)"]
    }
}

/// A folder under the temporary directory, removed when dropped.
final class ScratchDirectory: Sendable {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "controld-discovery-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// Writes `contents` to `name` (subfolders created); returns the path.
    @discardableResult
    func write(_ name: String, _ contents: String) throws -> String {
        let file = path + "/" + name
        try FileManager.default.createDirectory(
            atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try contents.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    func remove(_ name: String) throws {
        try FileManager.default.removeItem(atPath: path + "/" + name)
    }

    func move(_ from: String, _ to: String) throws {
        try FileManager.default.moveItem(atPath: path + "/" + from, toPath: path + "/" + to)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// Polls `condition` every 20 ms until it holds or `timeout` passes.
func waitUntil(
    timeout: Duration = .seconds(10), _ condition: () async throws -> Bool
) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(20))
    }
    return try await condition()
}

/// The object key of a namespaced Istio networking object.
func networkingKey(_ kind: String, _ namespace: String, _ name: String) -> ObjectKey {
    ObjectKey(group: "networking.istio.io", kind: kind, namespace: namespace, name: name)
}
