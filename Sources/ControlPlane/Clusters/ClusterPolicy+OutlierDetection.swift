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

    /// `outlierDetectionHttpErrorCodes`: only these response codes count as errors
    /// (instead of any 5xx), as a `:status` matcher in the HTTP protocol options.
    static func applyOutlierErrorCodes(_ codes: [Int]?, to builder: inout ClusterUnderConstruction) {
        guard let codes, !codes.isEmpty else { return }
        let rules = codes.map { code in
            var status = Envoy_Config_Route_V3_HeaderMatcher()
            status.name = ":status"
            status.stringMatch = ProtoValue.exact(String(code))
            var headers = Envoy_Config_Common_Matcher_V3_HttpHeadersMatch()
            headers.headers = [status]
            var predicate = Envoy_Config_Common_Matcher_V3_MatchPredicate()
            predicate.httpResponseHeadersMatch = headers
            return predicate
        }
        var matcher: Envoy_Config_Common_Matcher_V3_MatchPredicate
        if rules.count == 1 {
            matcher = rules[0]
        } else {
            var set = Envoy_Config_Common_Matcher_V3_MatchPredicate.MatchSet()
            set.rules = rules
            matcher = Envoy_Config_Common_Matcher_V3_MatchPredicate()
            matcher.orMatch = set
        }
        var detection = Envoy_Extensions_Upstreams_Http_V3_HttpProtocolOptions.OutlierDetection()
        detection.errorMatcher = matcher
        builder.http.outlierDetection = detection
    }
}
