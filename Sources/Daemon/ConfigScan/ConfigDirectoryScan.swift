import Foundation
import Yams

/// A one-time scan of a configuration directory: which objects it holds, per kind,
/// and which files could not be read as Kubernetes objects.
///
/// A stand-in until the watched directory source exists: it gives `serve` a real
/// initial sync to report and to gate `/ready` on.
public struct ConfigScanReport: Sendable, Equatable {
    /// A problem with one file, at a 1-based line and column when known.
    public struct Finding: Sendable, Equatable, CustomStringConvertible {
        public var file: String
        public var line: Int
        public var column: Int
        public var problem: String

        public var description: String { "\(file):\(line):\(column): \(problem)" }
    }

    /// The directory scanned.
    public var directory: String
    /// YAML and JSON files found (recursively).
    public var files = 0
    /// Objects per `kind`, counting only files that parsed completely.
    public var objectsByKind: [String: Int] = [:]
    /// Files or documents that could not be used, in path order.
    public var findings: [Finding] = []

    /// Total objects over all kinds.
    public var objects: Int { objectsByKind.values.reduce(0, +) }
}

/// Finds `*.yaml`, `*.yml` and `*.json` files under a directory and counts the
/// Kubernetes-style objects (`apiVersion`, `kind`, `metadata.name`) in them.
public enum ConfigDirectoryScan {
    static let extensions: Set<String> = ["yaml", "yml", "json"]

    /// Scans `directory`, following subdirectories, in sorted path order.
    public static func scan(directory: String) -> ConfigScanReport {
        var report = ConfigScanReport(directory: directory)
        for path in configFiles(in: directory) {
            report.files += 1
            scanFile(path, into: &report)
        }
        return report
    }

    static func configFiles(in directory: String) -> [String] {
        let root = URL(fileURLWithPath: directory, isDirectory: true)
        guard
            let walker = FileManager.default.enumerator(
                at: root, includingPropertiesForKeys: [.isRegularFileKey], options: [.skipsHiddenFiles])
        else { return [] }
        var paths: [String] = []
        for case let url as URL in walker where extensions.contains(url.pathExtension.lowercased()) {
            if (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true {
                paths.append(url.path)
            }
        }
        return paths.sorted()
    }

    static func scanFile(_ path: String, into report: inout ConfigScanReport) {
        guard let data = FileManager.default.contents(atPath: path) else {
            report.findings.append(.init(file: path, line: 1, column: 1, problem: "cannot read file"))
            return
        }
        guard let text = String(data: data, encoding: .utf8) else {
            report.findings.append(.init(file: path, line: 1, column: 1, problem: "not UTF-8 text"))
            return
        }
        var kinds: [String: Int] = [:]
        var findings: [ConfigScanReport.Finding] = []
        do {
            let parser = try Parser(yaml: text)
            while let document = try parser.nextRoot() {
                if case .scalar(let scalar) = document, scalar.string.isEmpty {
                    continue  // an empty document, e.g. after a trailing `---`
                }
                if let kind = objectKind(document) {
                    kinds[kind, default: 0] += 1
                } else {
                    let mark = document.mark
                    findings.append(
                        .init(
                            file: path, line: mark?.line ?? 1, column: mark?.column ?? 1,
                            problem: "not a Kubernetes object (needs apiVersion, kind and metadata.name)"))
                }
            }
        } catch {
            // A file that fails part-way is set aside whole: its earlier documents
            // may be an incomplete edit.
            report.findings.append(finding(for: error, file: path))
            return
        }
        report.findings += findings
        report.objectsByKind.merge(kinds, uniquingKeysWith: +)
    }

    /// The `kind` of a document that names an object, or nil.
    static func objectKind(_ node: Node) -> String? {
        guard let kind = node["kind"]?.string, !kind.isEmpty,
            let apiVersion = node["apiVersion"]?.string, !apiVersion.isEmpty,
            let name = node["metadata"]?["name"]?.string, !name.isEmpty
        else { return nil }
        return kind
    }

    static func finding(for error: any Error, file: String) -> ConfigScanReport.Finding {
        guard let yamlError = error as? YamlError else {
            return .init(file: file, line: 1, column: 1, problem: "\(error)")
        }
        switch yamlError {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let text = context.map { "\(problem) \($0.text)" } ?? problem
            return .init(file: file, line: mark.line, column: mark.column, problem: text)
        case .duplicatedKeysInMapping(let duplicates, let context):
            return .init(
                file: file, line: context.mark.line, column: context.mark.column,
                problem: "duplicate keys \(duplicates.joined(separator: ", "))")
        case .reader(let problem, _, _, _):
            return .init(file: file, line: 1, column: 1, problem: problem)
        default:
            return .init(file: file, line: 1, column: 1, problem: "\(yamlError)")
        }
    }
}
