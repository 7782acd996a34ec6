import Discovery

/// What a workload's inbound port accepts from its peers.
public enum InboundMTLSMode: String, Sendable, Hashable {
    /// Istio mTLS only: plaintext and foreign certificates are refused.
    case strict
    /// Istio mTLS and plaintext on the same port (Istio's default).
    case permissive
    /// Plaintext only.
    case disable
}

/// PeerAuthentications resolved the way Istio composes them: a mesh-wide policy
/// (root namespace, no selector), overridden by the namespace's policy (no
/// selector), overridden by a policy selecting the workload, whose `portLevelMtls`
/// overrides it per port. `UNSET` at any level inherits from the level above;
/// nothing written at all is PERMISSIVE. Where several policies compete at one
/// level, the oldest wins (then the name), as in istiod.
public struct PeerAuthenticationIndex: Sendable {
    let rootNamespace: String
    private let meshWide: PeerAuthenticationSpec?
    private let namespaceWide: [String: PeerAuthenticationSpec]
    private let selecting: [String: [PeerAuthenticationSpec]]

    public init(_ policies: [PeerAuthentication], rootNamespace: String) {
        self.rootNamespace = rootNamespace
        let ordered = policies.sorted { lhs, rhs in
            let left = (lhs.metadata.creationTimestamp ?? "", lhs.metadata.namespace ?? "", lhs.metadata.name ?? "")
            let right = (rhs.metadata.creationTimestamp ?? "", rhs.metadata.namespace ?? "", rhs.metadata.name ?? "")
            return left < right
        }
        var namespaceWide: [String: PeerAuthenticationSpec] = [:]
        var selecting: [String: [PeerAuthenticationSpec]] = [:]
        for policy in ordered {
            let namespace = policy.metadata.namespace ?? "default"
            if let labels = policy.spec.selector?.matchLabels, !labels.isEmpty {
                selecting[namespace, default: []].append(policy.spec)
            } else if namespaceWide[namespace] == nil {
                namespaceWide[namespace] = policy.spec
            }
        }
        self.meshWide = namespaceWide[rootNamespace]
        self.namespaceWide = namespaceWide
        self.selecting = selecting
    }

    /// The mode of inbound `port` of a workload in `namespace` with `labels`.
    /// `port` is the workload's port, which is what `portLevelMtls` keys name.
    public func mode(namespace: String, labels: [String: String], port: Int?) -> InboundMTLSMode {
        var mode = namespaceMode(namespace)
        guard let workload = selecting[namespace]?.first(where: {
            labels.matches($0.selector?.matchLabels ?? [:])
        }) else { return mode }
        mode = Self.resolve(workload.mtls?.mode, inheriting: mode)
        if let port, let level = workload.portLevelMtls?[String(port)] {
            mode = Self.resolve(level.mode, inheriting: mode)
        }
        return mode
    }

    /// The mode every workload of `namespace` has unless one selects it: what
    /// callers can count on for a service in that namespace (auto mTLS's guess).
    public func namespaceMode(_ namespace: String) -> InboundMTLSMode {
        let mesh = Self.resolve(meshWide?.mtls?.mode, inheriting: .permissive)
        guard namespace != rootNamespace else { return mesh }
        return Self.resolve(namespaceWide[namespace]?.mtls?.mode, inheriting: mesh)
    }

    static func resolve(_ written: PeerAuthenticationSpec.MutualTLS.Mode?, inheriting parent: InboundMTLSMode) -> InboundMTLSMode {
        switch written {
        case .strict: .strict
        case .permissive: .permissive
        case .disable: .disable
        case .unset, nil: parent
        }
    }
}
