/// One problem found in an object: where (a field path) and what.
public struct Finding: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Errors reject the object; warnings are reported and the object is used.
    public enum Severity: String, Sendable, Hashable, Codable {
        case error, warning
    }

    public var severity: Severity
    /// `spec.http[0].route`; empty for the object as a whole.
    public var path: String
    public var message: String

    public init(_ severity: Severity, path: String, message: String) {
        self.severity = severity
        self.path = path
        self.message = message
    }

    /// `path: message`.
    public var description: String { path.isEmpty ? message : "\(path): \(message)" }

    /// `Kind ns/name: path: message`, the way logs and `/debug/configz` say it.
    public func describe(_ key: ObjectKey) -> String { "\(key): \(self)" }
}

/// The findings of one validation run, in the order found.
public struct Findings: Sendable, Hashable {
    public private(set) var all: [Finding] = []

    public init() {}

    /// Findings that reject the object.
    public var errors: [Finding] { all.filter { $0.severity == .error } }
    /// Findings that are only reported.
    public var warnings: [Finding] { all.filter { $0.severity == .warning } }
    /// Whether anything rejects the object.
    public var hasErrors: Bool { all.contains { $0.severity == .error } }

    /// Records an error at `path`.
    public mutating func error(_ path: String, _ message: String) {
        all.append(Finding(.error, path: path, message: message))
    }

    /// Records a warning at `path`.
    public mutating func warning(_ path: String, _ message: String) {
        all.append(Finding(.warning, path: path, message: message))
    }
}

/// Validates any supported resource; the entry point for sources and tools.
public enum ResourceValidator {
    /// The findings for `resource` alone (no cross-object checks).
    public static func validate(_ resource: any Resource) -> Findings {
        var findings = Findings()
        resource.validate(into: &findings)
        return findings
    }
}
