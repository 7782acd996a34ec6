import Foundation

/// Turns ``RawObject``s into typed resources, using ``ResourceKinds`` to pick the model.
///
/// Unknown fields are found generically: the typed value is encoded again and its
/// key tree compared with the input's, so no model lists its fields twice.
public enum ResourceDecoder {
    /// Decodes `raw` into its typed resource.
    public static func decode(_ raw: RawObject) throws(DecodeFailure) -> DecodedObject {
        let groupKind = GroupKind(group: raw.key.group, kind: raw.key.kind)
        guard let type = ResourceKinds.type(for: groupKind) else {
            throw .unsupportedKind(groupKind)
        }
        let version = raw.apiVersion.split(separator: "/").last.map(String.init) ?? raw.apiVersion
        guard type.versions.contains(version) else {
            throw .unsupportedVersion(apiVersion: raw.apiVersion, accepted: type.versions.sorted())
        }
        return try decode(type, json: raw.json)
    }

    /// Decodes `json` as `type`, reporting unknown fields when the type asks for it.
    public static func decode<R: Resource>(_ type: R.Type, json: Data) throws(DecodeFailure) -> DecodedObject {
        let value: R
        do {
            value = try JSONDecoder().decode(R.self, from: json)
        } catch let error as DecodingError {
            throw Self.failure(error)
        } catch {
            throw .schema(path: "", message: "\(error)")
        }
        guard R.reportsUnknownFields else { return DecodedObject(resource: value, unknownFields: []) }
        return DecodedObject(resource: value, unknownFields: unknownFields(of: value, input: json))
    }

    /// The paths present in `input` that encoding `value` does not produce.
    static func unknownFields(of value: some Encodable, input: Data) -> [String] {
        guard let encoded = try? JSONEncoder().encode(value),
            let known = try? JSONSerialization.jsonObject(with: encoded),
            let original = try? JSONSerialization.jsonObject(with: input)
        else { return [] }
        var paths: [String] = []
        UnknownFields.collect(original: original, known: known, path: "", into: &paths)
        return paths.sorted()
    }

    /// A decoding error as a path and a message.
    static func failure(_ error: DecodingError) -> DecodeFailure {
        switch error {
        case .typeMismatch(let type, let context):
            return .schema(path: FieldPath.render(context.codingPath), message: "expected \(typeName(type))")
        case .valueNotFound(let type, let context):
            return .schema(path: FieldPath.render(context.codingPath), message: "expected \(typeName(type)), found null")
        case .keyNotFound(let key, let context):
            return .schema(path: FieldPath.render(context.codingPath + [key]), message: "required field is missing")
        case .dataCorrupted(let context):
            let message: String
            if context.codingPath.isEmpty {
                message = "not valid JSON"
            } else if context.debugDescription.hasPrefix("Cannot initialize") {
                // Swift's wording for an enum case it does not know.
                message = "unknown value (\(context.debugDescription))"
            } else {
                message = context.debugDescription
            }
            return .schema(path: FieldPath.render(context.codingPath), message: message)
        @unknown default:
            return .schema(path: "", message: "\(error)")
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type, is Int32.Type, is UInt32.Type: "an integer"
        case is Double.Type: "a number"
        case is Bool.Type: "a boolean"
        case is [Any].Type: "a list"
        default:
            String(describing: type).hasPrefix("Array") ? "a list" : (String(describing: type).hasPrefix("Dictionary") ? "a map" : "an object")
        }
    }
}

/// Compares two JSON trees as `JSONSerialization` produces them.
enum UnknownFields {
    /// Appends every path under `original` whose key is absent from `known`. Nulls
    /// are skipped: they mean "unset" and encode to nothing.
    static func collect(original: Any, known: Any, path: String, into paths: inout [String]) {
        if let object = original as? [String: Any] {
            let knownObject = known as? [String: Any] ?? [:]
            for (key, value) in object where !(value is NSNull) {
                let child = path.isEmpty ? key : "\(path).\(key)"
                guard let knownValue = knownObject[key] else {
                    paths.append(child)
                    continue
                }
                collect(original: value, known: knownValue, path: child, into: &paths)
            }
        } else if let array = original as? [Any], let knownArray = known as? [Any] {
            for (index, value) in array.enumerated() where index < knownArray.count {
                collect(original: value, known: knownArray[index], path: "\(path)[\(index)]", into: &paths)
            }
        }
    }
}
