import CA
import Foundation

/// The Markdown tables BENCHMARKS.md carries.
enum Report {
    static func header(reference: OpenSSLReference, caKey: CAKeyType, seconds: Int, rounds: Int) -> String {
        let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?
            .split(separator: " ").prefix(3).joined(separator: " ") ?? "?"
        return """
            CA key \(caKey == .ec ? "ECDSA P-256" : "RSA 2048"); \(ProcessInfo.processInfo.activeProcessorCount) cores; \
            load average at the end \(load); \(reference.version); \
            \(rounds) rounds of \(seconds) s, medians.

            """
    }

    /// certs/s (wall), latency, CPU per certificate and the ratio to openssl's
    /// crypto-only bound for the same key types.
    static func issuanceTable(
        _ results: [(pool: CSRPool, path: String, callers: Int, series: Series)],
        reference: OpenSSLReference, caKey: CAKeyType
    ) -> String {
        var lines = [
            "| workload key | path | callers | certs/s | p50 | p99 | CPU per cert | certs per CPU-second | openssl bound (verify + sign) per CPU-second | ratio |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for result in results {
            let perCPU = 1 / result.series.cpuPerCall
            let bound = reference.cryptoBound(workload: result.pool.keyType, caKey: caKey)
            lines.append(row([
                result.pool.label, result.path, "\(result.callers)", rate(result.series.rate),
                ms(result.series.p50), ms(result.series.p99), us(result.series.cpuPerCall), rate(perCPU),
                rate(bound), String(format: "%.2f", perCPU / bound),
            ]))
        }
        for (label, run) in reference.x509.sorted(by: { $0.key < $1.key }) {
            let perCPU = 1 / run.cpuPerCert
            lines.append(row([
                label, "`openssl x509 -req`, one process per cert", "1", rate(run.rate), "", "", us(run.cpuPerCert),
                rate(perCPU), "", "",
            ]))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func stageTable(_ stages: [(String, StageTimes)]) -> String {
        var lines = [
            "| workload key | token check (ES256 JWT) | CSR parse + verify | leaf build + sign | PEM encode | sum | steps in one call |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for (label, stage) in stages {
            lines.append(row([
                label, us(stage.token), us(stage.csr), us(stage.sign), us(stage.pem),
                us(stage.token + stage.csr + stage.sign + stage.pem), us(stage.handler),
            ]))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func primitiveTable(reference: OpenSSLReference, primitives: Primitives, pools: [CSRPool]) -> String {
        [
            "| operation (per CPU-second, one thread) | openssl speed | swift-crypto in-process |",
            "| --- | ---: | ---: |",
            row(["ECDSA P-256 sign", rate(reference.p256Sign), rate(primitives.p256Sign)]),
            row(["ECDSA P-256 verify", rate(reference.p256Verify), rate(primitives.p256Verify)]),
            row(["RSA 2048 sign", rate(reference.rsa2048Sign), rate(primitives.rsa2048Sign)]),
            row(["RSA 2048 verify", rate(reference.rsa2048Verify), rate(primitives.rsa2048Verify)]),
            "",
            "(openssl: `\(reference.speedCommand)`)",
        ].joined(separator: "\n")
    }

    static func row(_ cells: [String]) -> String { "| " + cells.joined(separator: " | ") + " |" }
    static func rate(_ value: Double) -> String { value.isFinite ? String(format: "%.0f", value) : "?" }
    static func ms(_ seconds: Double) -> String { String(format: "%.2f ms", seconds * 1e3) }
    static func us(_ seconds: Double) -> String { String(format: "%.0f µs", seconds * 1e6) }
}
