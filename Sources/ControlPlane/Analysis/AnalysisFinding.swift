import Discovery

/// How serious a finding is, named as `istioctl analyze` names its levels.
public enum AnalysisLevel: String, Sendable, Hashable, Codable, Comparable {
    /// Configuration that does not work as written; `controld analyze` exits 1.
    case error = "Error"
    /// Configuration that works but likely not as meant.
    case warning = "Warning"
    /// Worth knowing; nothing is wrong.
    case info = "Info"

    /// Errors sort first.
    private var rank: Int {
        switch self {
        case .error: 0
        case .warning: 1
        case .info: 2
        }
    }

    public static func < (lhs: AnalysisLevel, rhs: AnalysisLevel) -> Bool { lhs.rank < rhs.rank }
}

/// A kind of finding: a stable code users and CI grep for, its name and its level.
/// Codes `IST…` are Istio's own (same name and level as `istioctl analyze`);
/// `CTL…` codes have no Istio equivalent.
public struct AnalysisMessageType: Sendable, Hashable {
    /// `IST0101`, `CTL0002`...
    public var code: String
    /// `ReferencedResourceNotFound`...
    public var name: String
    /// How serious findings of this type are.
    public var level: AnalysisLevel

    /// A message type; the known ones are static members (`.referencedResourceNotFound`...).

    public init(code: String, name: String, level: AnalysisLevel) {
        self.code = code
        self.name = name
        self.level = level
    }
}

/// One problem `controld analyze` reports: what, about which object, and where.
public struct AnalysisFinding: Sendable, Hashable, Comparable {
    /// The code, name and level.
    public var type: AnalysisMessageType
    /// The object the finding is about; nil for a file that could not be read.
    public var object: ObjectKey?
    /// What is wrong, worded as Istio words it where Istio has the same check.
    public var message: String
    /// Where the object (or the unreadable input) was read.
    public var location: SourceLocation?

    /// A finding of `type` about `object`, read at `location`.
    public init(_ type: AnalysisMessageType, object: ObjectKey?, message: String, location: SourceLocation?) {
        self.type = type
        self.object = object
        self.message = message
        self.location = location
    }

    /// A finding about `object`, located where it was read.
    init(_ type: AnalysisMessageType, _ object: AnalyzedObject, _ message: String) {
        self.init(type, object: object.key, message: message, location: object.location)
    }

    /// `file:line` for files (the column only for unreadable input), the server otherwise.
    public var locationText: String? {
        switch location {
        case .file(let path, let line, let column)?: object == nil ? "\(path):\(line):\(column)" : "\(path):\(line)"
        case .kubernetes(let server)?: server
        case nil: nil
        }
    }

    /// Orders by file and line, then code, object and message: stable across runs.
    public static func < (lhs: AnalysisFinding, rhs: AnalysisFinding) -> Bool {
        lhs.sortKey < rhs.sortKey
    }

    private var sortKey: SortKey {
        var path = ""
        var line = 0
        var column = 0
        switch location {
        case .file(let file, let fileLine, let fileColumn)?:
            (path, line, column) = (file, fileLine, fileColumn)
        case .kubernetes(let server)?:
            path = server
        case nil:
            break
        }
        return SortKey(
            path: path, line: line, column: column, code: type.code, object: object?.description ?? "",
            message: message)
    }

    private struct SortKey: Comparable {
        var path: String
        var line: Int
        var column: Int
        var code: String
        var object: String
        var message: String

        static func < (lhs: SortKey, rhs: SortKey) -> Bool {
            (lhs.path, lhs.line, lhs.column, lhs.code, lhs.object, lhs.message)
                < (rhs.path, rhs.line, rhs.column, rhs.code, rhs.object, rhs.message)
        }
    }
}
