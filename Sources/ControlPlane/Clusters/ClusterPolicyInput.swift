import Discovery

/// Everything an outbound cluster's DestinationRule policy depends on besides the
/// rule itself: which cluster it is, what the port speaks, the mesh-wide settings
/// that fill in what the rule leaves unset, and who the destination's workloads are.
///
/// A plain value so ``ClusterPolicy`` stays a pure function of it.
public struct ClusterPolicyInput: Sendable, Hashable {
    /// The destination's fully qualified host name.
    public var host: String
    /// The service port the cluster is for.
    public var port: Int
    /// The DestinationRule subset, for `outbound|PORT|SUBSET|HOST` clusters.
    public var subset: String?
    /// What the port speaks; HTTP/2 and gRPC ports get an HTTP/2 upstream.
    public var portProtocol: PortProtocol
    /// The DestinationRule's top-level `trafficPolicy`, port-level settings included.
    public var destinationRule: TrafficPolicy?
    /// The named subset's `trafficPolicy`, port-level settings included.
    public var subsetPolicy: TrafficPolicy?
    /// MeshConfig `defaultTrafficPolicy`: its `connectionPool` and `outlierDetection`
    /// apply when the DestinationRule leaves that whole block unset.
    public var meshDefaultPolicy: TrafficPolicy?
    /// MeshConfig `enableAutoMtls` (Istio's default: on).
    public var enableAutoMtls: Bool
    /// The mTLS mode the destination accepts, inferred by the caller as istiod does
    /// (PeerAuthentication of the service's namespace; `disable` for a passthrough
    /// service with any plaintext endpoint; `unknown` for mesh-external services).
    /// Auto mTLS stays off for `unknown` and `disable`.
    public var serviceMTLSMode: ServiceMTLSMode
    /// SPIFFE ids of the destination's workloads (or a ServiceEntry's
    /// `subjectAltNames`): the SANs checked under ISTIO_MUTUAL when the rule names none.
    public var serviceAccounts: [String]
    /// The service is a ServiceEntry with `location: MESH_EXTERNAL`: no auto mTLS.
    public var meshExternal: Bool
    /// The service comes from a ServiceEntry: SIMPLE and MUTUAL TLS then check its
    /// `subjectAltNames` when the rule gives none, as istiod does.
    public var definedByServiceEntry: Bool
    /// Whether a `credentialName` in SIMPLE or MUTUAL TLS may be used. istiod ignores
    /// such TLS settings on sidecars unless the DestinationRule has a
    /// `workloadSelector` (gateways always may), so a secret is only ever sent to the
    /// proxies meant to read it.
    public var allowCredentialName: Bool
    /// MeshConfig `h2UpgradePolicy: UPGRADE`: HTTP/1.1 ports go upstream as HTTP/2.
    public var meshUpgradesToHTTP2: Bool
    /// MeshConfig `tcpKeepalive`, overridden field by field by the rule's.
    public var meshTCPKeepalive: ConnectionPoolSettings.TCP.Keepalive?
    /// MeshConfig `localityLbSetting`, used when the rule has none.
    public var meshLocalityLbSetting: LoadBalancerSettings.LocalityLoadBalancerSetting?
    /// Where the proxy finds the operating system's trusted roots: SIMPLE and MUTUAL
    /// TLS without `caCertificates` verify the server against them (istiod's agent
    /// serves the same bundle as `file-root:system`).
    public var systemRootCertificates: String

    /// Debian's and Alpine's bundle, which is where Istio's proxy images keep it.
    public static let defaultSystemRootCertificates = "/etc/ssl/certs/ca-certificates.crt"

    public init(
        host: String,
        port: Int,
        subset: String? = nil,
        portProtocol: PortProtocol,
        destinationRule: TrafficPolicy? = nil,
        subsetPolicy: TrafficPolicy? = nil,
        meshDefaultPolicy: TrafficPolicy? = nil,
        enableAutoMtls: Bool = true,
        serviceMTLSMode: ServiceMTLSMode = .permissive,
        serviceAccounts: [String] = [],
        meshExternal: Bool = false,
        definedByServiceEntry: Bool = false,
        allowCredentialName: Bool = true,
        meshUpgradesToHTTP2: Bool = false,
        meshTCPKeepalive: ConnectionPoolSettings.TCP.Keepalive? = nil,
        meshLocalityLbSetting: LoadBalancerSettings.LocalityLoadBalancerSetting? = nil,
        systemRootCertificates: String = ClusterPolicyInput.defaultSystemRootCertificates
    ) {
        self.host = host
        self.port = port
        self.subset = subset
        self.portProtocol = portProtocol
        self.destinationRule = destinationRule
        self.subsetPolicy = subsetPolicy
        self.meshDefaultPolicy = meshDefaultPolicy
        self.enableAutoMtls = enableAutoMtls
        self.serviceMTLSMode = serviceMTLSMode
        self.serviceAccounts = serviceAccounts
        self.meshExternal = meshExternal
        self.definedByServiceEntry = definedByServiceEntry
        self.allowCredentialName = allowCredentialName
        self.meshUpgradesToHTTP2 = meshUpgradesToHTTP2
        self.meshTCPKeepalive = meshTCPKeepalive
        self.meshLocalityLbSetting = meshLocalityLbSetting
        self.systemRootCertificates = systemRootCertificates
    }

    /// The cluster's name, `outbound|PORT|SUBSET|HOST`.
    public var clusterName: String {
        MeshNames.outboundCluster(host: host, port: port, subset: subset)
    }

    /// The SNI Istio mTLS sends, `outbound_.PORT_.SUBSET_.HOST`.
    public var istioMutualSNI: String {
        MeshNames.outboundSNI(host: host, port: port, subset: subset)
    }
}

/// The mutual TLS a destination accepts, as far as the control plane can tell.
public enum ServiceMTLSMode: String, Sendable, Hashable {
    /// Nothing known (mesh-external services): no auto mTLS.
    case unknown
    /// PeerAuthentication `DISABLE`, or plaintext-only endpoints: no auto mTLS.
    case disable
    /// Both plaintext and mTLS accepted (no PeerAuthentication): auto mTLS per endpoint.
    case permissive
    /// mTLS only.
    case strict
}

extension ServiceMTLSMode {
    /// What callers can assume of a destination whose namespace has `mode`.
    public init(_ mode: InboundMTLSMode) {
        switch mode {
        case .strict: self = .strict
        case .permissive: self = .permissive
        case .disable: self = .disable
        }
    }
}
