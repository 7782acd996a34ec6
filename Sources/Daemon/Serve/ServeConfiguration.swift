public import ControlPlane
public import Logging

/// The validated settings of `controld serve`.
///
/// Built from the raw flag strings so the checks, and their one-line messages,
/// live here rather than in the argument parser.
public struct ServeConfiguration: Sendable, Equatable {
    /// `--monitoring-addr` default: istiod's monitoring port on all interfaces.
    public static let defaultMonitoringAddress = "0.0.0.0:15014"
    /// `--grpc-addr` default: istiod's plaintext xDS port on all interfaces.
    public static let defaultGRPCAddress = "0.0.0.0:15010"
    /// The directory served when no `--config-dir` is given and it exists.
    public static let defaultConfigDirectory = "./mesh"

    /// Where `/metrics`, `/ready` and `/healthz` are served.
    public var monitoringAddress: HostPort
    /// Where plaintext xDS (ADS and SDS) is served.
    public var grpcAddress: HostPort
    /// Directories given with `--config-dir`, in order, not yet checked on disk.
    public var configDirectories: [String]
    /// The lowest level logged.
    public var logLevel: Logger.Level
    /// How log lines are written.
    public var logFormat: LogFormat
    /// The certificate authority and its secure port (15012).
    public var ca: CASettings
    /// MeshConfig, debounce and naming settings of translation.
    public var translation = PushController.Settings()
    /// The cluster read with `--kubeconfig` or `--in-cluster`, if any.
    public var kubernetes: KubernetesSettings? = nil

    public init(
        monitoringAddress: HostPort,
        grpcAddress: HostPort = HostPort(host: "0.0.0.0", port: 15010),
        configDirectories: [String],
        logLevel: Logger.Level = .info,
        logFormat: LogFormat = .text,
        ca: CASettings = CASettings()
    ) {
        self.monitoringAddress = monitoringAddress
        self.grpcAddress = grpcAddress
        self.configDirectories = configDirectories
        self.logLevel = logLevel
        self.logFormat = logFormat
        self.ca = ca
    }

    /// Parses raw flag values, throwing a usage error for the first bad one.
    public init(
        monitoringAddress: String,
        grpcAddress: String = defaultGRPCAddress,
        configDirectories: [String],
        logLevel: String,
        logFormat: String,
        ca: CASettings = CASettings()
    ) throws(StartupError) {
        self.init(
            monitoringAddress: try HostPort(parsing: monitoringAddress, flag: "--monitoring-addr"),
            grpcAddress: try HostPort(parsing: grpcAddress, flag: XDSService.flag),
            configDirectories: configDirectories,
            logLevel: try Logger.Level(parsing: logLevel),
            logFormat: try LogFormat(parsing: logFormat),
            ca: ca
        )
    }
}
