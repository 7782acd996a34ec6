import Foundation

/// Findings as `controld analyze` prints them.
public enum AnalysisReport {
    /// One line per finding, in the spirit of `istioctl analyze`:
    /// `Error [IST0101] (VirtualService default/reviews mesh/vs.yaml:12) Referenced host not found: "ratingz"`.
    /// A clean run says so, naming what was analyzed.
    public static func text(_ findings: [AnalysisFinding], analyzed paths: [String]) -> String {
        guard !findings.isEmpty else {
            return "✔ No validation issues found when analyzing \(paths.joined(separator: ", ")).\n"
        }
        return findings.map { line($0) + "\n" }.joined()
    }

    /// `Level [CODE] (Kind ns/name file:line) message`.
    public static func line(_ finding: AnalysisFinding) -> String {
        let subject = [finding.object?.description, finding.locationText].compactMap { $0 }.joined(separator: " ")
        let context = subject.isEmpty ? "" : " (\(subject))"
        return "\(finding.type.level.rawValue) [\(finding.type.code)]\(context) \(finding.message)"
    }

    /// A JSON array with one object per finding: `code`, `name`, `level`, `object`
    /// (`Kind ns/name`, or null), `kind`, `namespace`, `objectName`, `message`, `location`.
    public static func json(_ findings: [AnalysisFinding]) -> String {
        guard !findings.isEmpty else { return "[]\n" }
        let entries = findings.map(Entry.init)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(entries)) ?? Data("[]".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    private struct Entry: Encodable {
        var code: String
        var name: String
        var level: String
        var object: String?
        var kind: String?
        var namespace: String?
        var objectName: String?
        var message: String
        var location: String?

        init(_ finding: AnalysisFinding) {
            code = finding.type.code
            name = finding.type.name
            level = finding.type.level.rawValue
            object = finding.object?.description
            kind = finding.object?.kind
            namespace = finding.object.map(\.namespace)
            objectName = finding.object?.name
            message = finding.message
            location = finding.locationText
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(code, forKey: .code)
            try container.encode(name, forKey: .name)
            try container.encode(level, forKey: .level)
            try container.encode(object, forKey: .object)
            try container.encode(kind, forKey: .kind)
            try container.encode(namespace, forKey: .namespace)
            try container.encode(objectName, forKey: .objectName)
            try container.encode(message, forKey: .message)
            try container.encode(location, forKey: .location)
        }

        enum CodingKeys: String, CodingKey {
            case code, name, level, object, kind, namespace, objectName, message, location
        }
    }
}
