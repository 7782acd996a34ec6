import Foundation

/// The result of one load run, as a Markdown table row plus its header.
struct LoadReport {
    let connections: Int
    let held: Int
    let clusters: Int
    let connectTime: Duration
    let baselineRSS: Int
    let loadedRSS: Int
    let rounds: [[String: Any]]
    let failed: Int

    static let header = """
        | proxies | held | clusters | all in sync after connect | push → all ACKed p50 | p99 | max | bytes per push | server RSS | RSS per proxy |
        | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
        """

    /// Medians across rounds: the machines are shared and noisy.
    var text: String {
        func median(_ key: String) -> Double {
            let values = rounds.compactMap { $0[key] as? Double }.sorted()
            return values.isEmpty ? .nan : values[values.count / 2]
        }
        let bytes = rounds.compactMap { $0["bytesSent"] as? Int }.sorted()
        let perProxy = connections > 0 ? Double(loadedRSS - baselineRSS) / Double(connections) : 0
        let row = [
            "\(connections)", "\(held)", "\(clusters)",
            String(format: "%.1f s", Double(connectTime.components.seconds) + Double(connectTime.components.attoseconds) / 1e18),
            String(format: "%.1f ms", median("p50ms")), String(format: "%.1f ms", median("p99ms")),
            String(format: "%.1f ms", median("maxms")),
            bytes.isEmpty ? "-" : "\(bytes[bytes.count / 2] / 1024) KiB",
            "\(loadedRSS / (1 << 20)) MiB", String(format: "%.1f KiB", perProxy / 1024),
        ]
        var lines = [Self.header, "| " + row.joined(separator: " | ") + " |"]
        if failed > 0 { lines.append("(\(failed) proxies failed)") }
        let acked = rounds.map { "\($0["acked"] ?? "?")/\($0["connections"] ?? "?")" }.joined(separator: ", ")
        lines.append("rounds acked: \(acked)")
        return lines.joined(separator: "\n")
    }
}
