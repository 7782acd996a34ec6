import Discovery

/// Single-object problems the store recorded: rejected objects (IST0106), accepted
/// objects' validation warnings (IST0133) and unknown fields (CTL0002), unreadable
/// files and documents (CTL0001), objects defined twice (CTL0003).
public struct SchemaAnalyzer: Analyzer {
    /// The check's name, in the style of Istio's analyzer names.
    public var name: String { "schema.ValidationAnalyzer" }

    /// The analyzer; it has no settings.
    public init() {}

    /// The findings over `context`.
    public func analyze(_ context: AnalysisContext) -> [AnalysisFinding] {
        let snapshot = context.input.snapshot
        var findings: [AnalysisFinding] = []
        for rejection in snapshot.rejections.values {
            for finding in rejection.findings {
                findings.append(Self.finding(finding, object: rejection.key, location: rejection.location))
            }
        }
        for object in snapshot.objects.values {
            for warning in object.warnings {
                findings.append(Self.finding(warning, object: object.key, location: object.location))
            }
        }
        for input in snapshot.unreadable.values {
            findings.append(AnalysisFinding(.unreadableInput, object: nil, message: input.message, location: input.location))
        }
        for duplicate in context.input.duplicates {
            findings.append(
                AnalysisFinding(
                    .duplicateObject, object: duplicate.object,
                    message: "\(duplicate.object) is already defined at \(duplicate.first); this definition is ignored",
                    location: duplicate.location))
        }
        return findings
    }

    /// A store finding as an analysis finding: unknown fields by their own code.
    static func finding(_ finding: Finding, object: ObjectKey, location: SourceLocation) -> AnalysisFinding {
        switch finding.severity {
        case .error:
            return AnalysisFinding(
                .schemaValidationError, object: object, message: "Schema validation error: \(finding)", location: location)
        case .warning where finding.message == "unknown field":
            return AnalysisFinding(
                .unknownField, object: object, message: "Unknown field: \(finding.path)", location: location)
        case .warning:
            return AnalysisFinding(
                .schemaWarning, object: object, message: "Schema validation warning: \(finding)", location: location)
        }
    }
}
