import ArgumentParser

/// `controld`: the root command, which only groups the subcommands.
struct ControldCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "controld",
        abstract: "A service-mesh control plane compatible with Istio's istiod.",
        subcommands: [ServeCommand.self, AgentCommand.self, ProxyStatusCommand.self, ProxyConfigCommand.self, VersionCommand.self, AnalyzeCommand.self]
    )
}
