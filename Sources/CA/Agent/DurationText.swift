/// Durations as Istio's flags write them (Go's `time.ParseDuration`): `24h`, `90s`,
/// `1h30m`, `500ms`. A bare number is taken as seconds.
public enum DurationText {
    /// Parses `text`; nil when it is not a positive duration.
    public static func parse(_ text: String) -> Duration? {
        if let seconds = Int64(text) { return seconds > 0 ? .seconds(seconds) : nil }
        let units: [(String, Double)] = [("ms", 1e-3), ("h", 3600), ("m", 60), ("s", 1)]
        var rest = Substring(text)
        var total = 0.0
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let number = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            guard !number.isEmpty, let value = Double(number) else { return nil }
            rest = rest.dropFirst(number.count)
            guard let (unit, scale) = units.first(where: { rest.hasPrefix($0.0) }) else { return nil }
            rest = rest.dropFirst(unit.count)
            total += value * scale
        }
        guard total > 0, total < 1e9 else { return nil }
        return .milliseconds(Int64((total * 1000).rounded()))
    }
}
