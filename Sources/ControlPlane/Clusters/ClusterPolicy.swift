import Discovery
import SwiftProtobuf
import XDS

/// Translates a DestinationRule's traffic policy into the fields of an outbound
/// Envoy cluster, the way istiod's cluster builder does: load balancing, connection
/// pool limits, outlier detection, TLS to the upstream and auto mTLS.
///
/// The caller builds the cluster's skeleton (name, discovery type, endpoints,
/// default connect timeout) and then calls ``apply(_:to:)``. Everything here is a
/// pure function of its input, so equal input gives equal clusters.
///
/// Not translated (yet): `tunnel`, `loadBalancer.backendUtilization`, and the
/// endpoint side of locality load balancing (priorities and weights relative to
/// the calling proxy, which belong to the endpoint generator).
public enum ClusterPolicy {
    /// The extension name under which a cluster's HTTP protocol options are keyed.
    public static let httpProtocolOptionsKey = "envoy.extensions.upstreams.http.v3.HttpProtocolOptions"

    /// Applies the effective policy (see ``effective(_:)``) and auto mTLS to `cluster`.
    ///
    /// Owns the cluster's `typed_extension_protocol_options[httpProtocolOptionsKey]`:
    /// gRPC and HTTP/2 ports get explicit HTTP/2 even without a DestinationRule.
    /// Sets circuit breakers on every cluster (istiod's "unlimited" defaults unless
    /// the rule says otherwise) and the load balancing policy (LEAST_REQUEST unless
    /// the rule says otherwise).
    ///
    /// Throws ``ClusterPolicyError`` for settings Envoy would reject (the caller
    /// should skip the cluster rather than have the proxy refuse the whole update).
    public static func apply(_ input: ClusterPolicyInput, to cluster: inout Envoy_Config_Cluster_V3_Cluster) throws {
        let policy = effective(input)
        var builder = try ClusterUnderConstruction(cluster)
        if input.portProtocol.isHTTP2 {
            builder.useHTTP2()
        }
        let connectionPool = policy?.connectionPool
        if shouldUpgradeToHTTP2(input, connectionPool: connectionPool) {
            builder.useHTTP2()
        }
        applyConnectionPool(connectionPool, retryBudget: policy?.retryBudget, input: input, to: &builder)
        applyOutlierDetection(policy?.outlierDetection, to: &builder.cluster)
        applyOutlierErrorCodes(policy?.outlierDetection?.outlierDetectionHttpErrorCodes, to: &builder)
        try applyLoadBalancer(policy?.loadBalancer, input: input, to: &builder.cluster)
        try applyTLS(policy?.tls, input: input, to: &builder)
        try applyProxyProtocol(policy?.proxyProtocol, to: &builder.cluster)
        if builder.cluster.type == .originalDst {
            builder.cluster.lbPolicy = .clusterProvided
        }
        cluster = try builder.build()
    }

    /// istiod's `shouldH2Upgrade`: the rule's `h2UpgradePolicy` first (never with
    /// `useClientProtocol`), else the mesh's policy for HTTP ports.
    static func shouldUpgradeToHTTP2(_ input: ClusterPolicyInput, connectionPool: ConnectionPoolSettings?) -> Bool {
        if let http = connectionPool?.http {
            if http.useClientProtocol == true { return false }
            switch http.h2UpgradePolicy {
            case .upgrade: return true
            case .doNotUpgrade: return false
            case .default, nil: break
            }
        }
        return input.portProtocol.isHTTP && input.meshUpgradesToHTTP2
    }
}

/// A DestinationRule setting Envoy would refuse.
public struct ClusterPolicyError: Error, Hashable, CustomStringConvertible {
    /// The cluster the setting was for.
    public var cluster: String
    /// What is wrong, naming the DestinationRule field.
    public var reason: String

    public init(cluster: String, reason: String) {
        self.cluster = cluster
        self.reason = reason
    }

    public var description: String { "cluster \(cluster): \(reason)" }
}

/// A cluster plus its HTTP protocol options, kept unpacked while the policy is
/// applied and packed once at the end (as istiod's cluster wrapper does).
struct ClusterUnderConstruction {
    var cluster: Envoy_Config_Cluster_V3_Cluster
    var httpOptions: Envoy_Extensions_Upstreams_Http_V3_HttpProtocolOptions?

    init(_ cluster: Envoy_Config_Cluster_V3_Cluster) throws {
        self.cluster = cluster
        if let packed = cluster.typedExtensionProtocolOptions[ClusterPolicy.httpProtocolOptionsKey] {
            httpOptions = try Envoy_Extensions_Upstreams_Http_V3_HttpProtocolOptions(serializedBytes: packed.value)
        }
        if !self.cluster.hasCommonLbConfig {
            self.cluster.commonLbConfig = .init()
        }
    }

    /// The HTTP options, created empty on first use.
    var http: Envoy_Extensions_Upstreams_Http_V3_HttpProtocolOptions {
        get { httpOptions ?? .init() }
        set { httpOptions = newValue }
    }

    /// Explicit HTTP/2 upstream, unless a protocol is already chosen.
    mutating func useHTTP2() {
        guard http.upstreamProtocolOptions == nil else { return }
        var explicit = Envoy_Extensions_Upstreams_Http_V3_HttpProtocolOptions.ExplicitHttpConfig()
        explicit.http2ProtocolOptions = .init()
        http.explicitHTTPConfig = explicit
    }

    /// Whether the upstream is explicitly HTTP/2 (istiod's `isHttp2Cluster`).
    var isHTTP2: Bool {
        guard case .explicitHTTPConfig(let explicit)? = httpOptions?.upstreamProtocolOptions,
              case .http2ProtocolOptions? = explicit.protocolConfig
        else { return false }
        return true
    }

    /// The cluster with its HTTP options packed. Envoy requires a protocol choice in
    /// them, so HTTP/1.1 is made explicit when nothing else was chosen.
    func build() throws -> Envoy_Config_Cluster_V3_Cluster {
        var result = cluster
        if var options = httpOptions {
            if options.upstreamProtocolOptions == nil {
                var explicit = Envoy_Extensions_Upstreams_Http_V3_HttpProtocolOptions.ExplicitHttpConfig()
                explicit.httpProtocolOptions = .init()
                options.explicitHTTPConfig = explicit
            }
            result.typedExtensionProtocolOptions[ClusterPolicy.httpProtocolOptionsKey] = try XDSResource.pack(options)
        }
        return result
    }
}
