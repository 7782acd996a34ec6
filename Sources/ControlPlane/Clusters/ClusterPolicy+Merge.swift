import Discovery

extension ClusterPolicy {
    /// The policy that governs one cluster, merged as istiod merges it:
    ///
    /// 1. The top-level policy, unless `portLevelSettings` has an entry for the port;
    ///    then that entry alone (its load balancer, connection pool, outlier
    ///    detection and TLS; omitted blocks fall back to defaults, not to the
    ///    top-level ones).
    /// 2. For a subset, the subset's policy resolved the same way; each block it sets
    ///    replaces the one from step 1. When the subset has a port-level entry for the
    ///    port, all four blocks are replaced, set or not.
    /// 3. MeshConfig `defaultTrafficPolicy` fills `connectionPool` and
    ///    `outlierDetection` when still unset.
    ///
    /// The result has no `portLevelSettings`; nil when nothing applies.
    public static func effective(_ input: ClusterPolicyInput) -> TrafficPolicy? {
        var merged = portResolved(input.destinationRule, port: input.port).policy
        if input.subset != nil, let subsetPolicy = input.subsetPolicy {
            let (subset, hasPortLevel) = portResolved(subsetPolicy, port: input.port)
            if var base = merged, let subset {
                base.portLevelSettings = nil
                if subset.connectionPool != nil || hasPortLevel { base.connectionPool = subset.connectionPool }
                if subset.outlierDetection != nil || hasPortLevel { base.outlierDetection = subset.outlierDetection }
                if subset.loadBalancer != nil || hasPortLevel { base.loadBalancer = subset.loadBalancer }
                if subset.tls != nil || hasPortLevel { base.tls = subset.tls }
                if let tunnel = subset.tunnel { base.tunnel = tunnel }
                if let proxyProtocol = subset.proxyProtocol { base.proxyProtocol = proxyProtocol }
                if let retryBudget = subset.retryBudget { base.retryBudget = retryBudget }
                merged = base
            } else {
                merged = subset
            }
        }
        merged?.portLevelSettings = nil
        return withMeshDefaults(merged, input.meshDefaultPolicy)
    }

    /// The policy for `port`: its port-level entry when there is one (only the four
    /// per-port blocks), else the policy itself.
    static func portResolved(_ policy: TrafficPolicy?, port: Int) -> (policy: TrafficPolicy?, hasPortLevel: Bool) {
        guard let policy else { return (nil, false) }
        guard let entry = policy.portLevelSettings?.first(where: { $0.port?.number == port }) else {
            return (policy, false)
        }
        var resolved = policy
        resolved.loadBalancer = entry.loadBalancer
        resolved.connectionPool = entry.connectionPool
        resolved.outlierDetection = entry.outlierDetection
        resolved.tls = entry.tls
        resolved.portLevelSettings = nil
        resolved.tunnel = nil
        resolved.proxyProtocol = nil
        resolved.retryBudget = nil
        return (resolved, true)
    }

    /// Overlays the mesh-wide baseline: whole blocks, only where the rule has none.
    static func withMeshDefaults(_ policy: TrafficPolicy?, _ meshDefault: TrafficPolicy?) -> TrafficPolicy? {
        guard let meshDefault, meshDefault.connectionPool != nil || meshDefault.outlierDetection != nil else {
            return policy
        }
        var result: TrafficPolicy
        if let policy {
            result = policy
        } else {
            // Only the two baseline blocks come from the mesh default.
            result = meshDefault
            result.loadBalancer = nil
            result.tls = nil
            result.portLevelSettings = nil
            result.tunnel = nil
            result.proxyProtocol = nil
            result.retryBudget = nil
        }
        if result.connectionPool == nil { result.connectionPool = meshDefault.connectionPool }
        if result.outlierDetection == nil { result.outlierDetection = meshDefault.outlierDetection }
        return result
    }
}
