import Foundation
import Yams

/// One document of a YAML or JSON file, as JSON, with where it starts.
struct ParsedDocument: Sendable {
    var value: JSONValue
    /// 1-based line and column of the document's first node.
    var line: Int
    var column: Int
}

/// Why a file could not be parsed, at a 1-based line and column.
struct ParseFailure: Error, Sendable, Equatable {
    var line: Int
    var column: Int
    var message: String
}

/// Reads multi-document YAML (and JSON, which YAML contains) into JSON values,
/// resolving scalars the way Kubernetes' YAML reader does (ints, floats, booleans,
/// null; quoted scalars stay strings).
enum YAMLDocuments {
    /// Every non-empty document of `text`; throws at the first syntax error, since a
    /// file broken part-way is most likely being written.
    static func parse(_ text: String) throws(ParseFailure) -> [ParsedDocument] {
        var documents: [ParsedDocument] = []
        do {
            let parser = try Parser(yaml: text)
            while let root = try parser.nextRoot() {
                if case .scalar(let scalar) = root, scalar.string.isEmpty, scalar.style == .plain || scalar.style == .any {
                    continue  // an empty document, e.g. after a trailing `---`
                }
                let mark = root.mark
                documents.append(
                    ParsedDocument(value: try json(root), line: mark?.line ?? 1, column: mark?.column ?? 1))
            }
        } catch let failure as ParseFailure {
            throw failure
        } catch {
            throw Self.failure(error)
        }
        return documents
    }

    /// `node` as JSON; mapping keys must be scalars.
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
                    let mark = key.mark
                    throw ParseFailure(line: mark?.line ?? 1, column: mark?.column ?? 1, message: "mapping keys must be strings")
                }
                members[keyScalar.string] = try json(value)
            }
            return .object(members)
        case .sequence(let sequence):
            return .array(try sequence.map(json))
        case .alias:
            let mark = node.mark
            throw ParseFailure(line: mark?.line ?? 1, column: mark?.column ?? 1, message: "unresolved alias")
        }
    }

    /// A Yams error as a position and a message.
    static func failure(_ error: any Error) -> ParseFailure {
        guard let yamlError = error as? YamlError else {
            return ParseFailure(line: 1, column: 1, message: "\(error)")
        }
        switch yamlError {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let text = context.map { "\(problem) \($0.text)" } ?? problem
            return ParseFailure(line: mark.line, column: mark.column, message: text)
        case .duplicatedKeysInMapping(let duplicates, let context):
            return ParseFailure(
                line: context.mark.line, column: context.mark.column,
                message: "duplicate keys \(duplicates.joined(separator: ", "))")
        case .reader(let problem, _, _, _):
            return ParseFailure(line: 1, column: 1, message: problem)
        default:
            return ParseFailure(line: 1, column: 1, message: "\(yamlError)")
        }
    }
}
