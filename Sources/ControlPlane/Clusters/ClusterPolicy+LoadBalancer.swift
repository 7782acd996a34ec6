import Discovery
import SwiftProtobuf
import XDS

extension ClusterPolicy {
    /// Envoy's limit on `ring_hash_lb_config.minimum_ring_size`.
    static let maximumRingSize = 8_388_608

    /// `loadBalancer` → `lb_policy` and its config, as istiod does it.
    ///
    /// - No `simple` (or `UNSPECIFIED`): LEAST_REQUEST, istiod's default.
    /// - `LEAST_CONN`/`LEAST_REQUEST`, `ROUND_ROBIN` (with `warmup` → slow start),
    ///   `RANDOM`.
    /// - `PASSTHROUGH`: an ORIGINAL_DST cluster, its load assignment dropped.
    /// - `consistentHash`: MAGLEV with `maglev`, else RING_HASH (`ringHash`, or the
    ///   old `minimumRingSize`, default 1024). Its hash key is a route setting:
    ///   see ``hashPolicy(_:)``.
    /// - Locality settings that Envoy needs on the cluster (see
    ///   ``applyLocality(_:input:to:)``).
    static func applyLoadBalancer(
        _ settings: LoadBalancerSettings?,
        input: ClusterPolicyInput,
        to cluster: inout Envoy_Config_Cluster_V3_Cluster
    ) throws {
        // A cluster whose type picks hosts itself keeps doing so.
        if cluster.lbPolicy == .clusterProvided { return }
        applyLocality(settings, input: input, to: &cluster)
        if cluster.type == .originalDst {
            cluster.lbPolicy = .clusterProvided
            return
        }
        switch settings?.simple {
        case .leastConn, .leastRequest:
            applyLeastRequest(settings, to: &cluster)
        case .random:
            cluster.lbPolicy = .random
        case .roundRobin:
            applyRoundRobin(settings, to: &cluster)
        case .passthrough:
            cluster.lbPolicy = .clusterProvided
            cluster.type = .originalDst
            cluster.clearLoadAssignment()
            cluster.clearEdsClusterConfig()
        case .unspecified, nil:
            applyLeastRequest(settings, to: &cluster)
        }
        try applyConsistentHash(settings?.consistentHash, to: &cluster)
    }

    static func applyRoundRobin(_ settings: LoadBalancerSettings?, to cluster: inout Envoy_Config_Cluster_V3_Cluster) {
        cluster.lbPolicy = .roundRobin
        if let slowStart = slowStart(settings) {
            var config = Envoy_Config_Cluster_V3_Cluster.RoundRobinLbConfig()
            config.slowStartConfig = slowStart
            cluster.roundRobinLbConfig = config
        }
    }

    static func applyLeastRequest(_ settings: LoadBalancerSettings?, to cluster: inout Envoy_Config_Cluster_V3_Cluster) {
        cluster.lbPolicy = .leastRequest
        if let slowStart = slowStart(settings) {
            var config = Envoy_Config_Cluster_V3_Cluster.LeastRequestLbConfig()
            config.slowStartConfig = slowStart
            cluster.leastRequestLbConfig = config
        }
    }

    /// `warmup` (aggression 1 and minimum 10% unless given), else the older
    /// `warmupDurationSecs` alone.
    static func slowStart(_ settings: LoadBalancerSettings?) -> Envoy_Config_Cluster_V3_Cluster.SlowStartConfig? {
        var config = Envoy_Config_Cluster_V3_Cluster.SlowStartConfig()
        if let warmup = settings?.warmup {
            if let duration = warmup.duration { config.slowStartWindow = ProtoValue.duration(duration) }
            var aggression = Envoy_Config_Core_V3_RuntimeDouble()
            aggression.defaultValue = warmup.aggression ?? 1
            // istiod's fixed runtime key, one that no runtime layer can set.
            aggression.runtimeKey = "("
            config.aggression = aggression
            config.minWeightPercent = ProtoValue.percent(warmup.minimumPercent ?? 10)
            return config
        }
        if let duration = settings?.warmupDurationSecs {
            config.slowStartWindow = ProtoValue.duration(duration)
            return config
        }
        return nil
    }

    static func applyConsistentHash(
        _ hash: LoadBalancerSettings.ConsistentHash?,
        to cluster: inout Envoy_Config_Cluster_V3_Cluster
    ) throws {
        guard let hash else { return }
        if let maglev = hash.maglev {
            cluster.lbPolicy = .maglev
            if let tableSize = maglev.tableSize, tableSize != 0 {
                guard isPrime(tableSize) else {
                    throw ClusterPolicyError(
                        cluster: cluster.name,
                        reason: "loadBalancer.consistentHash.maglev.tableSize \(tableSize) is not a prime number")
                }
                var config = Envoy_Config_Cluster_V3_Cluster.MaglevLbConfig()
                config.tableSize = Google_Protobuf_UInt64Value(UInt64(tableSize))
                cluster.maglevLbConfig = config
            }
            return
        }
        cluster.lbPolicy = .ringHash
        let size: Int?
        if let ringHash = hash.ringHash {
            size = (ringHash.minimumRingSize ?? 0) != 0 ? ringHash.minimumRingSize : nil
        } else {
            size = (hash.minimumRingSize ?? 0) != 0 ? hash.minimumRingSize : 1024
        }
        guard let size else { return }
        guard size > 0, size <= maximumRingSize else {
            throw ClusterPolicyError(
                cluster: cluster.name,
                reason: "loadBalancer.consistentHash minimum ring size \(size) is outside 1...\(maximumRingSize)")
        }
        var config = Envoy_Config_Cluster_V3_Cluster.RingHashLbConfig()
        config.minimumRingSize = Google_Protobuf_UInt64Value(UInt64(size))
        cluster.ringHashLbConfig = config
    }

    static func isPrime(_ value: Int) -> Bool {
        guard value >= 2 else { return false }
        var divisor = 2
        while divisor * divisor <= value {
            if value % divisor == 0 { return false }
            divisor += 1
        }
        return true
    }

    /// The route's `hash_policy` for a consistent-hash policy: Envoy hashes on the
    /// route, not the cluster, so the route generator sets what this returns on
    /// each route to the cluster. Empty when the policy does not hash.
    public static func hashPolicy(_ effective: TrafficPolicy?) -> [Envoy_Config_Route_V3_RouteAction.HashPolicy] {
        guard let hash = effective?.loadBalancer?.consistentHash else { return [] }
        var policy = Envoy_Config_Route_V3_RouteAction.HashPolicy()
        if let header = hash.httpHeaderName {
            var spec = Envoy_Config_Route_V3_RouteAction.HashPolicy.Header()
            spec.headerName = header
            policy.header = spec
        } else if let cookie = hash.httpCookie {
            var spec = Envoy_Config_Route_V3_RouteAction.HashPolicy.Cookie()
            spec.name = cookie.name
            if let path = cookie.path { spec.path = path }
            if let ttl = cookie.ttl { spec.ttl = ProtoValue.duration(ttl) }
            spec.attributes = (cookie.attributes ?? []).map { attribute in
                var converted = Envoy_Config_Route_V3_RouteAction.HashPolicy.CookieAttribute()
                converted.name = attribute.name
                converted.value = attribute.value ?? ""
                return converted
            }
            policy.cookie = spec
        } else if let useSourceIp = hash.useSourceIp {
            var spec = Envoy_Config_Route_V3_RouteAction.HashPolicy.ConnectionProperties()
            spec.sourceIp = useSourceIp
            policy.connectionProperties = spec
        } else if let parameter = hash.httpQueryParameterName {
            var spec = Envoy_Config_Route_V3_RouteAction.HashPolicy.QueryParameter()
            spec.name = parameter
            policy.queryParameter = spec
        } else {
            return []
        }
        return [policy]
    }
}
