public import XDS

/// A connected proxy as translation sees it: what it is, where it runs, which
/// labels select it and which identity it has, read from its node.
public struct MeshProxy: Sendable, Hashable {
    public var node: ProxyNode
    public var namespace: String
    public var labels: [String: String]
    public var ipAddresses: [String]
    public var serviceAccount: String?
    /// `INTERCEPTION_MODE: NONE`: no iptables, so no virtual listeners; traffic
    /// reaches the real listeners a Sidecar resource binds.
    public var capturesNothing: Bool

    public init(_ node: ProxyNode) {
        self.node = node
        self.namespace = node.namespace.isEmpty ? "default" : node.namespace
        self.labels = node.metadata.labels
        self.ipAddresses = node.ipAddresses
        self.serviceAccount = node.metadata.serviceAccount
        self.capturesNothing = node.metadata.interceptionMode?.uppercased() == "NONE"
    }

    public var isRouter: Bool { node.kind == .router }

    /// Whether the workload runs with a node agent serving its certificate as
    /// `default`/`ROOTCA` through `sds-grpc`. Istio's injector labels every such pod
    /// `security.istio.io/tlsMode: istio`; without an agent, a listener that named
    /// those secrets would be refused, so such a proxy serves plaintext.
    public var hasWorkloadCertificate: Bool { labels[MeshService.tlsModeLabel] == "istio" }
}
