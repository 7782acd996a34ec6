/// A duration as Istio's YAML writes it: Go's syntax, `"1.5s"`, `"100ms"`, `"1h"`,
/// `"1m30s"` (what the CRDs' `duration()` checks accept).
///
/// Keeps the text as written, so re-encoding gives back exactly the input, and the
/// parsed value for validation and translation. Text that does not parse fails
/// decoding, naming the field.
public struct ConfigDuration: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The text as written.
    public let text: String
    /// The value it denotes.
    public let duration: Duration

    /// Parses `text`; nil when it is not a Go duration.
    public init?(_ text: String) {
        guard let duration = Self.parse(text) else { return nil }
        self.text = text
        self.duration = duration
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let parsed = ConfigDuration(text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "invalid duration \"\(text)\" (expected e.g. \"1.5s\", \"100ms\", \"1h\")")
        }
        self = parsed
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }

    public var description: String { text }

    /// Total seconds as a floating-point number.
    public var seconds: Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    /// Go's `time.ParseDuration`: an optional sign, then one or more decimal numbers,
    /// each with a unit (ns, us, µs, ms, s, m, h); `"0"` alone needs no unit.
    static func parse(_ text: String) -> Duration? {
        var rest = Substring(text)
        var negative = false
        if let first = rest.first, first == "-" || first == "+" {
            negative = first == "-"
            rest = rest.dropFirst()
        }
        if rest == "0" { return .zero }
        guard !rest.isEmpty else { return nil }
        var totalNanoseconds: Double = 0
        while !rest.isEmpty {
            let number = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            guard !number.isEmpty, number != ".", let value = Double(number) else { return nil }
            rest = rest.dropFirst(number.count)
            let unit = rest.prefix { !($0.isASCII && ($0.isNumber || $0 == ".")) }
            rest = rest.dropFirst(unit.count)
            let scale: Double
            switch unit {
            case "ns": scale = 1
            case "us", "µs", "μs": scale = 1e3
            case "ms": scale = 1e6
            case "s": scale = 1e9
            case "m": scale = 60e9
            case "h": scale = 3600e9
            default: return nil
            }
            totalNanoseconds += value * scale
        }
        guard totalNanoseconds < 9.2e18 else { return nil }
        let nanoseconds = Int64(totalNanoseconds.rounded())
        return .nanoseconds(negative ? -nanoseconds : nanoseconds)
    }
}
