import Foundation
import Testing

/// The command line's contract: one line on stderr and a meaningful exit status
/// for every mistake, help and version on stdout with status 0.
@Suite("controld command line", .timeLimit(.minutes(2)))
struct CommandLineTests {
    private func run(_ arguments: [String]) async throws -> (status: Int32?, controld: ControldProcess) {
        let controld = try ControldProcess(arguments)
        return (try await controld.waitForExit(within: .seconds(60)), controld)
    }

    @Test(
        "usage errors print one line and exit 2",
        arguments: [
            (
                ["serve", "--log-level", "loud"],
                "controld: --log-level loud: expected one of trace, debug, info, notice, warning, error, critical"
            ),
            (["serve", "--monitoring-addr", "nowhere"], "controld: --monitoring-addr nowhere: expected host:port"),
            (["serve", "--log-format", "xml"], "controld: --log-format xml: expected text or json"),
            (["serve", "--grpc-addr", "nowhere"], "controld: --grpc-addr nowhere: expected host:port"),
            (["serve", "--log-level"], "controld: missing value for '--log-level <level>'"),
            (["launch"], "controld: unexpected argument 'launch'"),
        ])
    func usageErrors(arguments: [String], line: String) async throws {
        let (status, controld) = try await run(arguments)
        #expect(status == 2)
        #expect(controld.standardErrorLines == [line])
        #expect(controld.standardOutput.isEmpty)
    }

    @Test("a missing --config-dir prints one line and exits 1")
    func missingConfigDirectory() async throws {
        let (status, controld) = try await run(["serve", "--config-dir", "/nonexistent/mesh"])
        #expect(status == 1)
        #expect(controld.standardErrorLines == ["controld: --config-dir /nonexistent/mesh: no such directory"])
    }

    @Test("--help prints help and exits 0")
    func help() async throws {
        let (status, controld) = try await run(["serve", "--help"])
        #expect(status == 0)
        #expect(controld.standardOutput.contains("--monitoring-addr"))
        #expect(controld.standardError.isEmpty)
    }

    @Test("version prints the version and build info on one line; --short only the version")
    func version() async throws {
        let (status, controld) = try await run(["version"])
        #expect(status == 0)
        let lines = controld.standardOutput.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(lines.first?.hasPrefix("controld 0.") == true)
        #expect(lines.first?.contains("Swift") == true)

        let (shortStatus, short) = try await run(["version", "--short"])
        #expect(shortStatus == 0)
        #expect(short.standardOutput.wholeMatch(of: /\d+\.\d+\.\d+\n/) != nil)
    }
}
