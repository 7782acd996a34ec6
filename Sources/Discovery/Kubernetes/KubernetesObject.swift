import Foundation

/// An object read from the API server: the RawObject the source emits, plus its labels,
/// which namespace filtering reads from Namespace objects.
struct KubernetesObject: Sendable {
    var raw: RawObject
    var labels: [String: String]

    var key: ObjectKey { raw.key }
}

/// The API server sent something that is not what its API promises.
struct KubernetesProtocolError: Error, CustomStringConvertible {
    var description: String
}

/// Turns an object's JSON, as found in a list or a watch event, into a ``KubernetesObject``.
struct KubernetesObjectParser: Sendable {
    let type: KubernetesResourceType
    let location: SourceLocation

    /// The metadata fields the source needs; everything else is left to the store's decoding.
    private struct Metadata: Decodable {
        var name: String?
        var namespace: String?
        var resourceVersion: String?
        var labels: [String: String]?
    }

    /// Parses the object in `range` of `bytes`. List items of built-in kinds come without
    /// `apiVersion` and `kind` (the API server leaves them out of typed lists); those are
    /// added in front so every RawObject decodes on its own. Nothing else is changed.
    func object(from bytes: [UInt8], in range: Range<Int>) throws -> KubernetesObject {
        let members = try KubernetesJSONScanner.members(of: bytes, in: range)
        guard let metadataRange = members.first(where: { $0.key == "metadata" })?.value else {
            throw KubernetesProtocolError(description: "a \(type.kind) without metadata")
        }
        let metadata = try JSONDecoder().decode(Metadata.self, from: Data(bytes[metadataRange]))
        guard let name = metadata.name, !name.isEmpty else {
            throw KubernetesProtocolError(description: "a \(type.kind) without metadata.name")
        }
        var apiVersion = type.apiVersion
        var missing: [String] = []
        if let apiVersionRange = members.first(where: { $0.key == "apiVersion" })?.value,
            let written = try? JSONDecoder().decode(String.self, from: Data(bytes[apiVersionRange]))
        {
            apiVersion = written
        } else {
            missing.append("\"apiVersion\":\(Self.quoted(apiVersion))")
        }
        if !members.contains(where: { $0.key == "kind" }) {
            missing.append("\"kind\":\(Self.quoted(type.kind))")
        }
        let json: Data
        if missing.isEmpty {
            json = Data(bytes[range])
        } else {
            var spliced: [UInt8] = []
            spliced.reserveCapacity(range.count + 64)
            spliced.append(UInt8(ascii: "{"))
            spliced.append(contentsOf: missing.joined(separator: ",").utf8)
            spliced.append(UInt8(ascii: ","))
            // Everything after the object's opening brace (leading whitespace is allowed there).
            let open = bytes[range].firstIndex(of: UInt8(ascii: "{"))!
            spliced.append(contentsOf: bytes[(open + 1)..<range.upperBound])
            json = Data(spliced)
        }
        let key = ObjectKey(group: type.group, kind: type.kind, namespace: metadata.namespace ?? "", name: name)
        return KubernetesObject(
            raw: RawObject(
                key: key, apiVersion: apiVersion, resourceVersion: metadata.resourceVersion, json: json,
                location: location),
            labels: metadata.labels ?? [:]
        )
    }

    /// `metadata.resourceVersion` of an object, the only field a BOOKMARK carries.
    func resourceVersion(from bytes: [UInt8], in range: Range<Int>) throws -> String? {
        let members = try KubernetesJSONScanner.members(of: bytes, in: range)
        guard let metadataRange = members.first(where: { $0.key == "metadata" })?.value else { return nil }
        return try JSONDecoder().decode(Metadata.self, from: Data(bytes[metadataRange])).resourceVersion
    }

    private static func quoted(_ text: String) -> String {
        // Group, version and kind names are DNS labels and identifiers: nothing to escape.
        "\"\(text)\""
    }
}
