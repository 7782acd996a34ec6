import ArgumentParser
import Daemon

/// `controld version`: print the version and what it was built with.
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version",
        abstract: "Print the version."
    )

    @Flag(name: .customLong("short"), help: "Print only the version number.")
    var short = false

    func run() {
        print(short ? ControldVersion.version : ControldVersion.buildInfo)
    }
}
