import CA
import Discovery

extension CASettings {
    /// Parses the CA's raw flag values, throwing a usage error naming the first bad one.
    /// Durations use Go's syntax, as istiod's flags do (`24h`, `2160h`, `90m`).
    public init(
        directory: String,
        keyType: String,
        trustDomain: String,
        jwksFile: String?,
        jwtIssuer: String,
        workloadCertTTL: String,
        maxWorkloadCertTTL: String,
        secureAddress: String,
        dnsNames: [String],
        rootTTL: String = "87600h",
        rootGraceRatio: String = "0.2",
        rootCheckInterval: String = "1h"
    ) throws(StartupError) {
        self.init()
        func usage(_ flag: String, _ value: String, _ problem: String) -> StartupError {
            StartupError(flag: flag, value: value, problem: problem, kind: .usage)
        }
        func positiveDuration(_ flag: String, _ text: String) throws(StartupError) -> Duration {
            guard let parsed = ConfigDuration(text), parsed.duration > .zero else {
                throw usage(flag, text, "expected a positive duration such as 24h or 90m")
            }
            return parsed.duration
        }
        guard !directory.isEmpty else { throw usage("--ca-dir", directory, "must not be empty") }
        guard let keyType = CAKeyType(rawValue: keyType) else {
            throw usage("--ca-key-type", keyType, "expected ec or rsa")
        }
        guard !trustDomain.isEmpty, !trustDomain.contains("/") else {
            throw usage("--trust-domain", trustDomain, "expected a domain such as cluster.local")
        }
        let lifetime = try positiveDuration("--workload-cert-ttl", workloadCertTTL)
        let maximum = try positiveDuration("--max-workload-cert-ttl", maxWorkloadCertTTL)
        guard lifetime <= maximum else {
            throw usage("--workload-cert-ttl", workloadCertTTL, "longer than --max-workload-cert-ttl \(maxWorkloadCertTTL)")
        }
        let rootLifetime = try positiveDuration("--ca-root-ttl", rootTTL)
        // Istio reads a ratio outside (0, 1) as its default; a flag says so instead.
        guard let graceRatio = Double(rootGraceRatio), graceRatio > 0, graceRatio < 1 else {
            throw usage("--ca-root-grace-ratio", rootGraceRatio, "expected a number between 0 and 1, such as 0.2")
        }
        let checkInterval = try positiveDuration("--ca-root-check-interval", rootCheckInterval)
        self.directory = directory
        self.keyType = keyType
        self.trustDomain = trustDomain
        self.jwksFile = jwksFile
        self.jwtIssuer = jwtIssuer
        self.workloadLifetime = WorkloadCertificateLifetime(defaultLifetime: lifetime, maximumLifetime: maximum)
        self.secureAddress = try HostPort(parsing: secureAddress, flag: "--secure-grpc-addr")
        self.dnsNames = dnsNames
        self.rootLifetime = rootLifetime
        self.rootRotation = RootRotationPolicy(graceRatio: graceRatio, checkInterval: checkInterval)
    }
}
