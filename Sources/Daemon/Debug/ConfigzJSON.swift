import Discovery
import Foundation

/// `/debug/configz`: every object the ConfigStore holds or refused, with where it was
/// read and whether it is in force, so a user can see why their YAML is not applied.
enum ConfigzJSON {
    /// One entry of the listing.
    struct Entry: Encodable {
        var key: Key
        var apiVersion: String
        var location: String
        var resourceVersion: String?
        /// `valid`, `rejected` (nothing in force) or `rejected-update` (an earlier
        /// version stays in force), or `ignored` (a kind controld does not use).
        var status: String
        var messages: [String]
        var warnings: [String]
    }

    /// An object key spelled out.
    struct Key: Encodable {
        var group: String
        var kind: String
        var namespace: String
        var name: String

        init(_ key: ObjectKey) {
            group = key.group
            kind = key.kind
            namespace = key.namespace
            name = key.name
        }
    }

    /// The whole document.
    struct Document: Encodable {
        var version: Int
        var objects: [Entry]
        var unreadable: [Unreadable]
    }

    /// An input that could not be read.
    struct Unreadable: Encodable {
        var location: String
        var message: String
    }

    /// `snapshot` as JSON, objects sorted by key.
    static func render(_ snapshot: ConfigSnapshot) throws -> Data {
        var entries: [ObjectKey: Entry] = [:]
        for (key, object) in snapshot.objects {
            entries[key] = Entry(
                key: Key(key), apiVersion: object.apiVersion, location: object.location.description,
                resourceVersion: object.resourceVersion, status: "valid", messages: [],
                warnings: object.warnings.map { $0.describe(key) })
        }
        for (key, rejection) in snapshot.rejections {
            // A rejected update is listed as it was refused; the version in force is
            // the one the proxies get.
            entries[key] = Entry(
                key: Key(key), apiVersion: rejection.apiVersion, location: rejection.location.description,
                resourceVersion: rejection.resourceVersion,
                status: snapshot.objects[key] == nil ? "rejected" : "rejected-update",
                messages: rejection.findings.filter { $0.severity == .error }.map { $0.describe(key) },
                warnings: rejection.findings.filter { $0.severity == .warning }.map { $0.describe(key) })
        }
        for (key, location) in snapshot.ignored where entries[key] == nil {
            entries[key] = Entry(
                key: Key(key), apiVersion: "", location: location.description, resourceVersion: nil, status: "ignored",
                messages: ["kind \(key.kind) is not used by controld"], warnings: [])
        }
        let document = Document(
            version: snapshot.version,
            objects: entries.sorted { $0.key < $1.key }.map(\.value),
            unreadable: snapshot.unreadable.values.map { Unreadable(location: $0.location.description, message: $0.message) }
                .sorted { $0.location < $1.location })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(document) + Data("\n".utf8)
    }
}
