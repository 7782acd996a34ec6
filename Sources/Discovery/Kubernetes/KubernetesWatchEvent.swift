import Foundation

/// One line of a watch stream: `{"type":"ADDED"|"MODIFIED"|"DELETED"|"BOOKMARK"|"ERROR","object":{...}}`.
enum KubernetesWatchEvent: Sendable {
    case added(KubernetesObject)
    case modified(KubernetesObject)
    case deleted(KubernetesObject)
    /// The server has sent everything up to this resourceVersion; nothing else changed.
    case bookmark(resourceVersion: String?)
    /// The watch failed; the object is a Status (code 410 means the resourceVersion expired).
    case error(KubernetesStatus)

    init(line: [UInt8], parser: KubernetesObjectParser) throws {
        let members = try KubernetesJSONScanner.members(of: line)
        guard let typeRange = members.first(where: { $0.key == "type" })?.value,
            let objectRange = members.first(where: { $0.key == "object" })?.value
        else {
            throw KubernetesProtocolError(description: "a watch event without type or object")
        }
        let type = try JSONDecoder().decode(String.self, from: Data(line[typeRange]))
        switch type {
        case "ADDED": self = .added(try parser.object(from: line, in: objectRange))
        case "MODIFIED": self = .modified(try parser.object(from: line, in: objectRange))
        case "DELETED": self = .deleted(try parser.object(from: line, in: objectRange))
        case "BOOKMARK": self = .bookmark(resourceVersion: try parser.resourceVersion(from: line, in: objectRange))
        case "ERROR":
            self = .error(try JSONDecoder().decode(KubernetesStatus.self, from: Data(line[objectRange])))
        default:
            throw KubernetesProtocolError(description: "a watch event of unknown type \(type)")
        }
    }
}
