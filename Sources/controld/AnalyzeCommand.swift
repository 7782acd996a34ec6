import ArgumentParser
import ControlPlane
import Daemon

/// `controld analyze PATH...`: checks Istio YAML offline, as `istioctl analyze` does,
/// with Istio's message codes. Exits 1 when any finding is an error, 2 on a bad
/// command line or a path that does not exist.
struct AnalyzeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Analyze Istio and Kubernetes YAML files or folders for problems, as istioctl analyze does."
    )

    /// How findings are printed.
    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Argument(help: ArgumentHelp("Files or folders (read recursively) of YAML or JSON.", valueName: "path"))
    var paths: [String]

    @Option(name: [.short, .customLong("output")], help: "Output format: text or json.")
    var output: OutputFormat = .text

    @Option(name: [.short, .customLong("namespace")], help: "Namespace of objects that name none.")
    var namespace = "default"

    @Option(name: .customLong("cluster-domain"), help: "The cluster's DNS suffix, for service host names.")
    var clusterDomain = "cluster.local"

    func run() throws {
        let input: AnalysisInput
        do {
            input = try AnalysisInput.load(paths: paths, defaultNamespace: namespace)
        } catch .noSuchPath(let path) {
            throw StartupError(flag: "analyze", value: path, problem: "no such file or directory", kind: .usage)
        }
        let findings = MeshAnalysis.run(AnalysisContext(input: input, clusterDomain: clusterDomain))
        switch output {
        case .text: print(AnalysisReport.text(findings, analyzed: paths), terminator: "")
        case .json: print(AnalysisReport.json(findings), terminator: "")
        }
        if findings.contains(where: { $0.type.level == .error }) {
            throw ExitCode(1)
        }
    }
}
