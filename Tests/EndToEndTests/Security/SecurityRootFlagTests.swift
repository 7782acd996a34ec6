import Foundation
import Testing

/// The root-lifetime flags follow the command line's contract: a bad value is one
/// line naming the flag, exit status 2.
@Suite("Security: serve's root flags", .timeLimit(.minutes(2)))
struct SecurityRootFlagTests {
    @Test(
        "a bad root flag prints one line and exits 2",
        arguments: [
            (["--ca-root-ttl", "soon"], "controld: --ca-root-ttl soon: expected a positive duration such as 24h or 90m"),
            (["--ca-root-ttl", "0s"], "controld: --ca-root-ttl 0s: expected a positive duration such as 24h or 90m"),
            (
                ["--ca-root-grace-ratio", "1.5"],
                "controld: --ca-root-grace-ratio 1.5: expected a number between 0 and 1, such as 0.2"
            ),
            (
                ["--ca-root-check-interval", "never"],
                "controld: --ca-root-check-interval never: expected a positive duration such as 24h or 90m"
            ),
        ])
    func badValues(flags: [String], line: String) async throws {
        let controld = try ControldProcess(["serve"] + flags)
        #expect(try await controld.waitForExit(within: .seconds(60)) == 2)
        #expect(controld.standardErrorLines == [line])
    }

    @Test("serve --help lists the root flags")
    func help() async throws {
        let controld = try ControldProcess(["serve", "--help"])
        #expect(try await controld.waitForExit(within: .seconds(60)) == 0)
        for flag in ["--ca-root-ttl", "--ca-root-grace-ratio", "--ca-root-check-interval"] {
            #expect(controld.standardOutput.contains(flag), "\(flag) missing from --help")
        }
    }
}
