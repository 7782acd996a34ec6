import ArgumentParser
import ControlPlane
import Daemon

/// `controld serve`: run the control plane until SIGTERM or SIGINT.
///
/// Flag values are taken as strings and checked by ``ServeConfiguration`` so every
/// bad value is reported the same way: one line naming the flag, exit status 2.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the control plane."
    )

    @Option(
        name: .customLong("monitoring-addr"),
        help: ArgumentHelp("Address for /metrics, /ready and /healthz.", valueName: "host:port"))
    var monitoringAddress = ServeConfiguration.defaultMonitoringAddress

    @Option(
        name: .customLong("grpc-addr"),
        help: ArgumentHelp("Address for plaintext xDS (ADS and SDS).", valueName: "host:port"))
    var grpcAddress = ServeConfiguration.defaultGRPCAddress

    @Option(
        name: .customLong("config-dir"),
        help: ArgumentHelp(
            "Directory of mesh configuration (YAML or JSON); repeatable. Default, with no --kubeconfig or --in-cluster: ./mesh if it exists.",
            valueName: "dir"))
    var configDirectories: [String] = []

    @Option(
        name: .customLong("kubeconfig"),
        help: ArgumentHelp("Read the mesh from the Kubernetes cluster of this kubeconfig's current context.", valueName: "path"))
    var kubeconfig: String?

    @Flag(name: .customLong("in-cluster"), help: "Read the mesh from the cluster controld runs in, with its service account.")
    var inCluster = false

    @Option(
        name: .customLong("log-level"),
        help: ArgumentHelp("One of trace, debug, info, notice, warning, error, critical.", valueName: "level"))
    var logLevel = "info"

    @Option(
        name: .customLong("log-format"),
        help: ArgumentHelp("text or json.", valueName: "format"))
    var logFormat = "text"

    @Option(
        name: .customLong("secure-grpc-addr"),
        help: ArgumentHelp("Address for xDS and the CA over TLS.", valueName: "host:port"))
    var secureGRPCAddress = CASettings.defaultSecureAddress

    @Option(
        name: .customLong("ca-dir"),
        help: ArgumentHelp(
            "Directory of the CA's root (created on first start) or of a plugged-in CA (cacerts layout).",
            valueName: "dir"))
    var caDirectory = CASettings.defaultDirectory

    @Option(name: .customLong("ca-key-type"), help: ArgumentHelp("Key of a new root: ec or rsa.", valueName: "type"))
    var caKeyType = "ec"

    @Option(name: .customLong("trust-domain"), help: ArgumentHelp("The mesh's SPIFFE trust domain.", valueName: "domain"))
    var trustDomain = "cluster.local"

    @Option(
        name: .customLong("jwks-file"),
        help: ArgumentHelp("Keys (JWKS) that sign service-account tokens, for the CA's token checks.", valueName: "file"))
    var jwksFile: String?

    @Option(name: .customLong("jwt-issuer"), help: ArgumentHelp("The tokens' expected issuer.", valueName: "issuer"))
    var jwtIssuer = CASettings().jwtIssuer

    @Option(
        name: .customLong("workload-cert-ttl"),
        help: ArgumentHelp("Lifetime of workload certificates when the request names none.", valueName: "duration"))
    var workloadCertTTL = "24h"

    @Option(
        name: .customLong("max-workload-cert-ttl"),
        help: ArgumentHelp("Longest lifetime granted to a workload certificate.", valueName: "duration"))
    var maxWorkloadCertTTL = "2160h"

    @Option(
        name: .customLong("dns-names"),
        help: ArgumentHelp("Extra DNS names for the secure port's certificate; repeatable.", valueName: "name"))
    var dnsNames: [String] = []

    @Option(
        name: .customLong("ca-root-ttl"),
        help: ArgumentHelp("Lifetime of a self-signed root the CA makes (new or rotated).", valueName: "duration"))
    var caRootTTL = "87600h"

    @Option(
        name: .customLong("ca-root-grace-ratio"),
        help: ArgumentHelp(
            "Share of a self-signed root's life, counted back from its expiry, in which it is re-issued.", valueName: "ratio"))
    var caRootGraceRatio = "0.2"

    @Option(
        name: .customLong("ca-root-check-interval"),
        help: ArgumentHelp("How often the self-signed root is checked for rotation.", valueName: "duration"))
    var caRootCheckInterval = "1h"

    @Option(name: .customLong("mesh-config"), help: ArgumentHelp("MeshConfig YAML (rootNamespace, outboundTrafficPolicy, enableAutoMtls, accessLogFile...).", valueName: "file"))
    var meshConfigFile: String?

    @Option(name: .customLong("cluster-domain"), help: ArgumentHelp("DNS suffix of Kubernetes services.", valueName: "domain"))
    var clusterDomain = "cluster.local"

    @Option(name: .customLong("debounce-after"), help: ArgumentHelp("Push once changes have been quiet this long.", valueName: "duration"))
    var debounceAfter = "100ms"

    @Option(name: .customLong("debounce-max"), help: ArgumentHelp("Push at the latest this long after the first change.", valueName: "duration"))
    var debounceMax = "10s"

    func run() async throws {
        let ca = try CASettings(
            directory: caDirectory, keyType: caKeyType, trustDomain: trustDomain, jwksFile: jwksFile,
            jwtIssuer: jwtIssuer, workloadCertTTL: workloadCertTTL, maxWorkloadCertTTL: maxWorkloadCertTTL,
            secureAddress: secureGRPCAddress, dnsNames: dnsNames, rootTTL: caRootTTL, rootGraceRatio: caRootGraceRatio,
            rootCheckInterval: caRootCheckInterval)
        let translation = try PushController.Settings(
            meshConfigFile: meshConfigFile, debounceAfter: debounceAfter, debounceMax: debounceMax,
            clusterDomain: clusterDomain, trustDomain: trustDomain)
        var configuration = try ServeConfiguration(
            monitoringAddress: monitoringAddress,
            grpcAddress: grpcAddress,
            configDirectories: configDirectories,
            logLevel: logLevel,
            logFormat: logFormat,
            ca: ca
        )
        configuration.translation = translation
        configuration.kubernetes = try KubernetesSettings.parse(kubeconfig: kubeconfig, inCluster: inCluster)
        try await Serve.run(configuration)
    }
}
