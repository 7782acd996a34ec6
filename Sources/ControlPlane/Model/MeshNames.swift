/// The names Istio gives to Envoy resources and hosts; keeping them lets Istio's
/// docs, dashboards and `proxy-config` habits work unchanged.
public enum MeshNames {
    /// `outbound|PORT|SUBSET|HOST`: the cluster for traffic leaving a proxy.
    public static func outboundCluster(host: String, port: Int, subset: String? = nil) -> String {
        "outbound|\(port)|\(subset ?? "")|\(host)"
    }

    /// `inbound|PORT||`: the cluster a sidecar forwards its own port's traffic to.
    public static func inboundCluster(port: Int) -> String {
        "inbound|\(port)||"
    }

    /// `outbound_.PORT_.SUBSET_.HOST`: the SNI a client sends in Istio mTLS.
    public static func outboundSNI(host: String, port: Int, subset: String? = nil) -> String {
        "outbound_.\(port)_.\(subset ?? "")_.\(host)"
    }

    /// `spiffe://TRUST_DOMAIN/ns/NS/sa/SA`.
    public static func spiffeID(trustDomain: String, namespace: String, serviceAccount: String) -> String {
        "spiffe://\(trustDomain)/ns/\(namespace)/sa/\(serviceAccount)"
    }

    public static let blackHoleCluster = "BlackHoleCluster"
    public static let passthroughCluster = "PassthroughCluster"
    public static let inboundPassthroughCluster = "InboundPassthroughCluster"
    /// The bootstrap's static cluster reaching the node agent's SDS socket.
    public static let sdsCluster = "sds-grpc"
    /// SDS secret names: the workload's chain and key, and the trust bundle.
    public static let workloadSecret = "default"
    public static let rootSecret = "ROOTCA"
}

/// Resolves the host names written in Istio resources: a short name is relative to
/// the namespace of the object that wrote it (`reviews` in `default` is
/// `reviews.default.svc.cluster.local`), as Istio does.
public struct HostNameResolver: Sendable, Hashable {
    /// The cluster's DNS suffix (`--cluster-domain`, `cluster.local`).
    public var clusterDomain: String

    public init(clusterDomain: String = "cluster.local") {
        self.clusterDomain = clusterDomain
    }

    /// The fully qualified form of `host` written by an object in `namespace`.
    /// Wildcards, names with a dot and `*` are left as written.
    public func qualify(_ host: String, namespace: String) -> String {
        if host == "*" || host.hasPrefix("*") || host.contains(".") { return host }
        return "\(host).\(namespace).svc.\(clusterDomain)"
    }
}
