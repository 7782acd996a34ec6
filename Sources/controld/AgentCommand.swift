import ArgumentParser
import CA
import Daemon
import Foundation
import Logging

/// `controld agent`: the node agent. Keeps one workload's certificate fresh from the
/// CA and serves it to the local Envoy over SDS on a Unix socket, like the SDS part
/// of Istio's pilot-agent.
///
/// Flag values are taken as strings and checked here so every bad value is reported
/// the same way: one line naming the flag, exit status 2.
struct AgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent",
        abstract: "Run the node agent: workload certificates from the CA, served to Envoy over SDS."
    )

    @Option(name: .customLong("ca-addr"), help: ArgumentHelp("The CA's gRPC TLS address.", valueName: "host:port"))
    var caAddress = "127.0.0.1:15012"

    @Option(
        name: .customLong("ca-server-name"),
        help: ArgumentHelp("The name the CA's certificate must carry.", valueName: "name"))
    var caServerName = "istiod.istio-system.svc"

    @Option(
        name: .customLong("root-cert"),
        help: ArgumentHelp(
            "PEM roots to verify the CA with and to serve as ROOTCA (controld writes root-cert.pem in its --ca-dir).",
            valueName: "file"))
    var rootCert = "./var/run/secrets/istio/root-cert.pem"

    @Option(
        name: .customLong("token-file"),
        help: ArgumentHelp("Service-account token sent as 'authorization: Bearer', read on every request.", valueName: "file"))
    var tokenFile = "./var/run/secrets/tokens/istio-token"

    @Option(name: .customLong("trust-domain"), help: ArgumentHelp("The mesh's trust domain.", valueName: "domain"))
    var trustDomain = "cluster.local"

    @Option(name: .customLong("namespace"), help: ArgumentHelp("The workload's namespace.", valueName: "ns"))
    var namespace = ProcessInfo.processInfo.environment["POD_NAMESPACE"] ?? "default"

    @Option(
        name: .customLong("service-account"),
        help: ArgumentHelp("The workload's service account.", valueName: "name"))
    var serviceAccount = ProcessInfo.processInfo.environment["SERVICE_ACCOUNT"] ?? "default"

    @Option(name: .customLong("key-type"), help: ArgumentHelp("ecdsa (P-256) or rsa (2048 bits).", valueName: "type"))
    var keyType = "ecdsa"

    @Option(
        name: .customLong("cert-ttl"),
        help: ArgumentHelp("Validity to request, e.g. 24h, 90m, 3600 (seconds).", valueName: "duration"))
    var certTTL = "24h"

    @Option(
        name: .customLong("grace-ratio"),
        help: ArgumentHelp("Share of the lifetime left when renewal starts, between 0 and 1.", valueName: "ratio"))
    var graceRatio = "0.5"

    @Option(
        name: .customLong("sds-socket"),
        help: ArgumentHelp("Unix socket for Envoy's sds-grpc cluster.", valueName: "path"))
    var sdsSocket = AgentConfiguration.defaultSDSSocket

    @Option(
        name: .customLong("output-dir"),
        help: ArgumentHelp("Also write cert-chain.pem, key.pem and root-cert.pem here, for proxyless gRPC.", valueName: "dir"))
    var outputDirectory: String?

    @Option(
        name: .customLong("log-level"),
        help: ArgumentHelp("One of trace, debug, info, notice, warning, error, critical.", valueName: "level"))
    var logLevel = "info"

    @Option(name: .customLong("log-format"), help: ArgumentHelp("text or json.", valueName: "format"))
    var logFormat = "text"

    func run() async throws {
        let (configuration, client) = try checked()
        LoggingBootstrap.bootstrap(level: try Logger.Level(parsing: logLevel), format: try LogFormat(parsing: logFormat))
        let logger = Logger(label: "agent")
        logger.info(
            "starting the node agent",
            metadata: [
                "version": .string(ControldVersion.version),
                "identity": .string(configuration.identity.spiffeURI),
                "ca": .string(caAddress),
                "sdsSocket": .string(configuration.sdsSocketPath),
            ])
        let agent = NodeAgent(configuration: configuration, signer: IstioCAClient(configuration: client), logger: logger)
        do {
            try await AgentProcess.run(agent, logger: logger)
        } catch let error as AgentError {
            throw Self.startupError(error)
        }
        logger.info("stopped")
    }

    /// The flags as configuration, or the first bad one as a ``StartupError``.
    func checked() throws(StartupError) -> (AgentConfiguration, IstioCAClient.Configuration) {
        func usage(_ flag: String, _ value: String, _ problem: String) -> StartupError {
            StartupError(flag: flag, value: value, problem: problem, kind: .usage)
        }
        _ = try Logger.Level(parsing: logLevel)
        _ = try LogFormat(parsing: logFormat)
        let address: CAAddress
        do {
            address = try CAAddress(parsing: caAddress)
        } catch {
            throw Self.startupError(error)
        }
        guard !caServerName.isEmpty else { throw usage("--ca-server-name", caServerName, "must not be empty") }
        let identity = WorkloadIdentity(trustDomain: trustDomain, namespace: namespace, serviceAccount: serviceAccount)
        if let problem = identity.problem {
            let (flag, value) =
                problem.contains("trust domain") ? ("--trust-domain", trustDomain)
                : problem.contains("namespace") ? ("--namespace", namespace) : ("--service-account", serviceAccount)
            throw usage(flag, value, problem)
        }
        guard let key = WorkloadKeyType(rawValue: keyType) else {
            throw usage("--key-type", keyType, "expected ecdsa or rsa")
        }
        guard let ttl = DurationText.parse(certTTL), ttl >= .seconds(1) else {
            throw usage("--cert-ttl", certTTL, "expected a duration of at least 1s, such as 24h or 90m")
        }
        guard let ratio = Double(graceRatio), ratio > 0, ratio < 1 else {
            throw usage("--grace-ratio", graceRatio, "expected a number between 0 and 1, such as 0.5")
        }
        guard !sdsSocket.isEmpty else { throw usage("--sds-socket", sdsSocket, "must not be empty") }
        // Unix socket paths are limited to about 100 bytes by the kernel's sockaddr_un.
        guard sdsSocket.utf8.count < 104 else { throw usage("--sds-socket", sdsSocket, "path too long for a Unix socket") }
        if let outputDirectory, outputDirectory.isEmpty {
            throw usage("--output-dir", outputDirectory, "must not be empty")
        }
        // The roots are needed before anything can be trusted: a missing file is an
        // environment problem worth stopping for. The token may appear later (a
        // projected volume), so it is only read when needed.
        do {
            let roots = try PEMBundle.certificates(atPath: rootCert)
            guard !roots.isEmpty else {
                throw StartupError(flag: "--root-cert", value: rootCert, problem: "no certificate in the file", kind: .runtime)
            }
        } catch let error as StartupError {
            throw error
        } catch {
            let missing = !FileManager.default.fileExists(atPath: rootCert)
            throw StartupError(
                flag: "--root-cert", value: rootCert,
                problem: missing ? "no such file" : "not a PEM certificate file", kind: .runtime)
        }
        let configuration = AgentConfiguration(
            identity: identity,
            keyType: key,
            certificateTTL: ttl,
            renewal: RenewalSchedule.Policy(graceRatio: ratio),
            rootCertPath: rootCert,
            sdsSocketPath: sdsSocket,
            outputDirectory: outputDirectory
        )
        let client = IstioCAClient.Configuration(
            address: address,
            serverName: caServerName,
            rootCertPath: rootCert,
            token: TokenFile(path: tokenFile)
        )
        return (configuration, client)
    }

    static func startupError(_ error: AgentError) -> StartupError {
        StartupError(
            flag: error.flag ?? "agent", value: error.value, problem: error.problem,
            kind: error.kind == .usage ? .usage : .runtime)
    }
}
