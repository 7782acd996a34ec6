import Discovery
import SwiftProtobuf
import XDS

extension ClusterPolicy {
    /// The cluster side of `localityLbSetting` and `zoneAwareLbSetting`.
    ///
    /// Most of locality load balancing lives in the endpoints, relative to the
    /// calling proxy's own locality: `failover` and `failoverPriority` become EDS
    /// priorities, `distribute` becomes per-locality `load_balancing_weight`s. That
    /// is the endpoint generator's work. What the cluster needs, as istiod sets it:
    ///
    /// - `common_lb_config.locality_weighted_lb_config` when `distribute` is given,
    ///   or when failover is configured and outlier detection is on (without
    ///   outlier detection nothing ever fails over, so istiod leaves it off);
    /// - for `zoneAwareLbSetting`, `zone_aware_lb_config` with `minClusterSize`,
    ///   and routing at 0% when it is disabled.
    ///
    /// The rule's zone-aware setting wins over its locality setting, which wins over
    /// the mesh's; `enabled: false` turns locality handling off.
    static func applyLocality(
        _ settings: LoadBalancerSettings?,
        input: ClusterPolicyInput,
        to cluster: inout Envoy_Config_Cluster_V3_Cluster
    ) {
        if let zoneAware = settings?.zoneAwareLbSetting {
            var config = Envoy_Config_Cluster_V3_Cluster.CommonLbConfig.ZoneAwareLbConfig()
            if let minimum = zoneAware.minClusterSize {
                config.minClusterSize = Google_Protobuf_UInt64Value(UInt64(clamping: minimum))
            }
            if zoneAware.enabled == false {
                config.routingEnabled = ProtoValue.percent(0)
            }
            cluster.commonLbConfig.zoneAwareLbConfig = config
            return
        }
        guard let locality = settings?.localityLbSetting ?? input.meshLocalityLbSetting,
              locality.enabled != false
        else { return }
        let failoverConfigured = locality.failover != nil || locality.failoverPriority != nil
        if locality.distribute != nil || (cluster.hasOutlierDetection && failoverConfigured) {
            cluster.commonLbConfig.localityWeightedLbConfig = .init()
        }
    }
}
