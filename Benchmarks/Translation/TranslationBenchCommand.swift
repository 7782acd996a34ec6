import ArgumentParser
import Foundation
import XDS

/// `translation-bench`: how translation scales with the mesh, in-process and end to end.
///
/// `translate` times PushContext builds and per-proxy generation for meshes of
/// several sizes and measures a PushContext's memory in a child process;
/// `end-to-end` runs the real `controld serve` with N fake proxies and times
/// edits to its config directory until every proxy has ACKed the update.
@main
struct TranslationBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "translation-bench",
        abstract: "Time translation for meshes of several sizes, in-process and through controld serve.",
        subcommands: [Translate.self, EndToEnd.self, Memory.self, Security.self],
        defaultSubcommand: Translate.self
    )

    struct Translate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Time PushContext builds and per-proxy translation.")
        @Option(parsing: .upToNextOption, help: "Mesh sizes (services) to measure.") var services = [100, 1_000, 10_000]
        @Option(help: "Rounds per measurement; medians are reported.") var rounds = 5
        @Option(help: "Where to write the generated config directories.") var directory = NSTemporaryDirectory() + "translation-bench"

        func run() async throws {
            print(TranslateReport.header)
            for count in services {
                let folder = URL(fileURLWithPath: directory).appendingPathComponent("mesh-\(count)")
                var result = try TranslationRun(services: count, rounds: rounds, directory: folder).run()
                result.memory = try MemoryProbe.run(directory: folder)
                print(TranslateReport.row(result))
                FileHandle.standardError.write(Data((TranslateReport.details(result) + "\n").utf8))
            }
        }
    }

    struct EndToEnd: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "end-to-end", abstract: "Time config edits through controld serve to N fake proxies.")
        @Option(help: "Services in the generated mesh.") var services = 1_000
        @Option(help: "Fake proxies to connect.") var proxies = 1_000
        @Option(help: "Changes of each kind to time.") var changes = 5
        @Option(help: "The controld binary (default: next to this one).") var controld: String?
        @Option(help: "Seconds to wait for all proxies to be in sync.") var connectTimeout = 900
        @Option(help: "Where to write the config directory and the CA.") var directory = NSTemporaryDirectory() + "translation-bench-e2e"

        func run() async throws {
            let binary = controld.map { URL(fileURLWithPath: $0) }
                ?? URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
                .deletingLastPathComponent().appendingPathComponent("controld")
            let folder = URL(fileURLWithPath: directory)
            try? FileManager.default.removeItem(at: folder)
            let result = try await EndToEndRun(
                services: services, proxies: proxies, changes: changes, controld: binary, directory: folder,
                connectTimeout: .seconds(connectTimeout)
            ).run()
            print(EndToEndReport.text(result, services: services, proxies: proxies))
        }
    }

    struct Memory: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The memory probe (started by translate).", shouldDisplay: false)
        @Option var directory: String
        func run() throws { MemoryProbe.measure(directory: URL(fileURLWithPath: directory)) }
    }
}

/// Markdown rows for `translate`.
enum TranslateReport {
    static let header = """
        | services | sidecar clusters | PushContext build | PushContext RSS | sidecar CDS | LDS | EDS | RDS | sidecar all types | sidecar bytes | router all types | router bytes |
        | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
        """

    static func row(_ result: TranslationRun.Result) -> String {
        let sidecar = result.sidecar
        let cells = [
            "\(result.services)", "\(result.clusters)", ms(Stats.median(result.buildSeconds)),
            result.memory.map { mib($0.context) } ?? "?",
            ms(sidecar.median(.cluster)), ms(sidecar.median(.listener)), ms(sidecar.median(.endpoint)), ms(sidecar.median(.route)),
            ms(sidecar.total), kib(sidecar.bytes), ms(result.router.total), kib(result.router.bytes),
        ]
        return "| " + cells.joined(separator: " | ") + " |"
    }

    /// Everything else measured, for stderr.
    static func details(_ result: TranslationRun.Result) -> String {
        func breakdown(_ timing: TranslationRun.ProxyTiming) -> String {
            TranslationRun.order.map { "\($0.shortName) \(ms(timing.median($0))) (\(timing.counts[$0] ?? 0))" }
                .joined(separator: ", ")
        }
        var lines = [
            "services \(result.services): loading the YAML into the store took \(ms(result.loadSeconds))",
            "  PushContext builds: " + result.buildSeconds.map(ms).joined(separator: ", "),
            "  sidecar per type, median (resources): " + breakdown(result.sidecar),
            "  router per type, median (resources): " + breakdown(result.router),
        ]
        if let memory = result.memory {
            lines.append(
                "  RSS: process \(mib(memory.baseline)), +store snapshot \(mib(memory.snapshot)), +PushContext \(mib(memory.context))")
        }
        return lines.joined(separator: "\n")
    }

    static func ms(_ seconds: Double) -> String {
        seconds >= 1 ? String(format: "%.2f s", seconds) : String(format: "%.1f ms", seconds * 1e3)
    }

    static func kib(_ bytes: Int) -> String { "\(bytes / 1024) KiB" }
    static func mib(_ bytes: Int) -> String { String(format: "%.1f MiB", Double(bytes) / 1_048_576) }
}

/// The `end-to-end` report: a Markdown row and each round's detail.
enum EndToEndReport {
    static func text(_ result: EndToEndRun.Result, services: Int, proxies: Int) -> String {
        func summary(_ rounds: [EndToEndRun.Round]) -> [String] {
            [0.5, 0.99, 1.0].map { p in
                TranslateReport.ms(Stats.median(rounds.map { Stats.percentile($0.latencies, p) }))
            }
        }
        func describe(_ round: EndToEndRun.Round) -> String {
            let types: [TypeURL] = [.cluster, .listener, .endpoint, .route, .secret]
            let received = types.map { "\($0.shortName) \(round.responses[$0] ?? 0) (\(TranslateReport.kib(round.bytes[$0] ?? 0)))" }
            return "max \(TranslateReport.ms(round.latencies.max() ?? .nan)); responses received: " + received.joined(separator: ", ")
        }
        var lines = [
            "| services | proxies | all in sync after connect | server RSS | VirtualService edit → all ACKed RDS p50 | p99 | max | WorkloadEntry added → all ACKed EDS p50 | p99 | max |",
            "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
            "| " + ([
                "\(services)", "\(proxies)", String(format: "%.1f s", result.connectSeconds), TranslateReport.mib(result.serverRSS),
            ] + summary(result.routeRounds) + summary(result.endpointRounds)).joined(separator: " | ") + " |",
            "",
            "server RSS before proxies connected: \(TranslateReport.mib(result.serverBaselineRSS)); proxies in sync at the end: \(result.inSync)",
        ]
        for (index, round) in result.routeRounds.enumerated() { lines.append("VirtualService edit \(index + 1): " + describe(round)) }
        for (index, round) in result.endpointRounds.enumerated() { lines.append("WorkloadEntry added \(index + 1): " + describe(round)) }
        if !result.failures.isEmpty { lines.append("proxy failures: \(result.failures.count), e.g. \(result.failures[0])") }
        if !result.complaints.isEmpty {
            lines.append("controld warnings and errors: \(result.complaints.count), e.g. \(result.complaints[0])")
        }
        return lines.joined(separator: "\n")
    }
}
