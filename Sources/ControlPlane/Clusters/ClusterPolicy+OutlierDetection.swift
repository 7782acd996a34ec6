import Discovery
import SwiftProtobuf
import XDS

extension ClusterPolicy {
    /// `outlierDetection` → `cluster.outlier_detection`, as istiod writes it.
    ///
    /// Success-rate ejection is switched off; each consecutive-error counter that is
    /// set is enforced at 100% (0 turns it off); `minHealthPercent` becomes the
    /// healthy panic threshold, which istiod sets even when it is 0 (Envoy would
    /// otherwise use 50%, too high for services with few pods).
    static func applyOutlierDetection(_ outlier: OutlierDetection?, to cluster: inout Envoy_Config_Cluster_V3_Cluster) {
        guard let outlier else { return }
        var detection = Envoy_Config_Cluster_V3_OutlierDetection()
        detection.enforcingSuccessRate = ProtoValue.uint32(0)

        if let consecutive = outlier.consecutive5xxErrors ?? outlier.consecutiveErrors {
            detection.consecutive5Xx = ProtoValue.uint32(consecutive)
            detection.enforcingConsecutive5Xx = ProtoValue.uint32(consecutive > 0 ? 100 : 0)
        }
        if let consecutive = outlier.consecutiveGatewayErrors {
            detection.consecutiveGatewayFailure = ProtoValue.uint32(consecutive)
            detection.enforcingConsecutiveGatewayFailure = ProtoValue.uint32(consecutive > 0 ? 100 : 0)
        }
        if let interval = outlier.interval {
            detection.interval = ProtoValue.duration(interval)
        }
        if let baseEjectionTime = outlier.baseEjectionTime {
            detection.baseEjectionTime = ProtoValue.duration(baseEjectionTime)
        }
        if let maxEjectionPercent = outlier.maxEjectionPercent, maxEjectionPercent > 0 {
            detection.maxEjectionPercent = ProtoValue.uint32(maxEjectionPercent)
        }
        if outlier.splitExternalLocalOriginErrors == true {
            detection.splitExternalLocalOriginErrors = true
            if let local = outlier.consecutiveLocalOriginFailures, local > 0 {
                detection.consecutiveLocalOriginFailure = ProtoValue.uint32(local)
                detection.enforcingConsecutiveLocalOriginFailure = ProtoValue.uint32(100)
            }
            detection.enforcingLocalOriginSuccessRate = ProtoValue.uint32(0)
        }
        cluster.outlierDetection = detection

        let minHealthPercent = outlier.minHealthPercent ?? 0
        if minHealthPercent >= 0 {
            cluster.commonLbConfig.healthyPanicThreshold = ProtoValue.percent(Double(minHealthPercent))
        }
    }
}
