import Discovery
import Foundation
import Yams

/// Reads the documents of one YAML or JSON file into the objects a source hands the
/// ConfigStore, the way the directory source does (multi-document, `kind: List`,
/// scalars resolved as Kubernetes' YAML reader does), except that objects without a
/// namespace get the one the user names.
enum AnalysisDocuments {
    /// What one file holds.
    struct FileContents {
        var objects: [RawObject] = []
        /// Documents or files that could not be read, with where and why.
        var problems: [(location: SourceLocation, message: String)] = []
    }

    /// The objects in `data`, read from `path`.
    static func read(path: String, data: Data, defaultNamespace: String) -> FileContents {
        var contents = FileContents()
        guard let text = String(data: data, encoding: .utf8) else {
            contents.problems.append((.file(path: path, line: 1, column: 1), "not UTF-8 text"))
            return contents
        }
        do {
            let parser = try Parser(yaml: text)
            while let root = try parser.nextRoot() {
                if case .scalar(let scalar) = root, scalar.string.isEmpty, scalar.style == .plain || scalar.style == .any {
                    continue  // an empty document, e.g. after a trailing `---`
                }
                let mark = root.mark
                let location = SourceLocation.file(path: path, line: mark?.line ?? 1, column: mark?.column ?? 1)
                let value = try json(root)
                if value["kind"]?.stringValue == "List", case .array(let items)? = value["items"] {
                    for item in items { contents.add(item, location: location, defaultNamespace: defaultNamespace) }
                } else {
                    contents.add(value, location: location, defaultNamespace: defaultNamespace)
                }
            }
        } catch let failure as PositionedFailure {
            contents.problems.append((.file(path: path, line: failure.line, column: failure.column), failure.message))
        } catch {
            let failure = Self.failure(error)
            contents.problems.append((.file(path: path, line: failure.line, column: failure.column), failure.message))
        }
        return contents
    }

    /// A problem at a 1-based line and column.
    struct PositionedFailure: Error {
        var line: Int
        var column: Int
        var message: String
    }

    /// `node` as JSON: quoted scalars stay strings; plain ones resolve to null,
    /// booleans, integers and numbers.
    static func json(_ node: Yams.Node) throws -> JSONValue {
        switch node {
        case .scalar(let scalar):
            switch scalar.style {
            case .singleQuoted, .doubleQuoted, .literal, .folded: return .string(scalar.string)
            default: break
            }
            switch Tag.Name(rawValue: node.tag.rawValue) {
            case .null: return .null
            case .bool: return Bool.construct(from: scalar).map(JSONValue.bool) ?? .string(scalar.string)
            case .int: return Int.construct(from: scalar).map(JSONValue.integer) ?? .string(scalar.string)
            case .float:
                guard let value = Double.construct(from: scalar), value.isFinite else { return .string(scalar.string) }
                return .number(value)
            default: return .string(scalar.string)
            }
        case .mapping(let mapping):
            var members: [String: JSONValue] = [:]
            for (key, value) in mapping {
                guard case .scalar(let keyScalar) = key else {
                    throw PositionedFailure(
                        line: key.mark?.line ?? 1, column: key.mark?.column ?? 1, message: "mapping keys must be strings")
                }
                members[keyScalar.string] = try json(value)
            }
            return .object(members)
        case .sequence(let sequence):
            return .array(try sequence.map(json))
        case .alias:
            throw PositionedFailure(line: node.mark?.line ?? 1, column: node.mark?.column ?? 1, message: "unresolved alias")
        }
    }

    /// A Yams error as a position and a message.
    static func failure(_ error: any Error) -> PositionedFailure {
        guard let yamlError = error as? YamlError else {
            return PositionedFailure(line: 1, column: 1, message: "\(error)")
        }
        switch yamlError {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let text = context.map { "\(problem) \($0.text)" } ?? problem
            return PositionedFailure(line: mark.line, column: mark.column, message: text)
        case .duplicatedKeysInMapping(let duplicates, let context):
            return PositionedFailure(
                line: context.mark.line, column: context.mark.column,
                message: "duplicate keys \(duplicates.joined(separator: ", "))")
        case .reader(let problem, _, _, _):
            return PositionedFailure(line: 1, column: 1, message: problem)
        default:
            return PositionedFailure(line: 1, column: 1, message: "\(yamlError)")
        }
    }
}

extension AnalysisDocuments.FileContents {
    /// Adds `value` as an object, or notes why it is not one.
    fileprivate mutating func add(_ value: JSONValue, location: SourceLocation, defaultNamespace: String) {
        guard case .object(var members) = value,
            let apiVersion = members["apiVersion"]?.stringValue, !apiVersion.isEmpty,
            let kind = members["kind"]?.stringValue, !kind.isEmpty,
            case .object(var metadata)? = members["metadata"],
            let name = metadata["name"]?.stringValue, !name.isEmpty
        else {
            problems.append((location, "not a Kubernetes object (needs apiVersion, kind and metadata.name)"))
            return
        }
        let group = apiVersion.contains("/") ? String(apiVersion.split(separator: "/")[0]) : ""
        let groupKind = GroupKind(group: group, kind: kind)
        var namespace = metadata["namespace"]?.stringValue ?? ""
        if groupKind.isClusterScoped {
            namespace = ""
        } else if namespace.isEmpty {
            namespace = defaultNamespace
            metadata["namespace"] = .string(namespace)
            members["metadata"] = .object(metadata)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        guard let json = try? encoder.encode(JSONValue.object(members)) else {
            problems.append((location, "cannot be encoded as JSON"))
            return
        }
        objects.append(
            RawObject(
                key: ObjectKey(group: group, kind: kind, namespace: namespace, name: name),
                apiVersion: apiVersion, resourceVersion: "1", json: json, location: location))
    }
}
