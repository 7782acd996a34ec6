/// Everything `controld agent` was told, already checked.
public struct AgentConfiguration: Sendable {
    /// Istio's agent uses `/var/run/secrets/workload-spiffe-uds/socket`, a path only a
    /// pod has; a local run gets a path under the working directory that needs no
    /// privileges, the same relative layout Istio's proxy image uses.
    public static let defaultSDSSocket = "./etc/istio/proxy/SDS"

    /// The SPIFFE identity to request.
    public var identity: WorkloadIdentity
    /// The workload key's algorithm.
    public var keyType: WorkloadKeyType
    /// The validity asked of the CA (`--cert-ttl`); the CA may cap it.
    public var certificateTTL: Duration
    /// When to renew and how to back off.
    public var renewal: RenewalSchedule.Policy
    /// The trust bundle's file (`--root-cert`), read for ROOTCA and watched for changes.
    public var rootCertPath: String
    /// How often the root file is checked for a change of roots.
    public var rootCheckInterval: Duration
    /// Where SDS is served.
    public var sdsSocketPath: String
    /// Where to write PEM files for proxyless gRPC, if anywhere.
    public var outputDirectory: String?

    public init(
        identity: WorkloadIdentity,
        keyType: WorkloadKeyType = .ecdsa,
        certificateTTL: Duration = .seconds(24 * 3600),
        renewal: RenewalSchedule.Policy = RenewalSchedule.Policy(),
        rootCertPath: String,
        rootCheckInterval: Duration = .seconds(10),
        sdsSocketPath: String = AgentConfiguration.defaultSDSSocket,
        outputDirectory: String? = nil
    ) {
        self.identity = identity
        self.keyType = keyType
        self.certificateTTL = certificateTTL
        self.renewal = renewal
        self.rootCertPath = rootCertPath
        self.rootCheckInterval = rootCheckInterval
        self.sdsSocketPath = sdsSocketPath
        self.outputDirectory = outputDirectory
    }
}
