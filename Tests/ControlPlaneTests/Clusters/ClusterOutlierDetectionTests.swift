import ControlPlane
import Discovery
import Testing
import XDS

/// `outlierDetection` → `outlier_detection` and the panic threshold.
@Suite struct ClusterOutlierDetectionTests {
    @Test func noOutlierDetectionWithoutARule() async throws {
        let cluster = try ClusterFixture.cluster(nil)
        #expect(!cluster.hasOutlierDetection)
        #expect(!cluster.commonLbConfig.hasHealthyPanicThreshold)
    }

    @Test func consecutiveErrorsAreEnforcedAndSuccessRateIsOff() async throws {
        let cluster = try ClusterFixture.cluster(
            """
            {"outlierDetection": {"consecutive5xxErrors": 5, "consecutiveGatewayErrors": 0,
              "interval": "10s", "baseEjectionTime": "30s", "maxEjectionPercent": 50}}
            """)
        let detection = cluster.outlierDetection
        #expect(detection.consecutive5Xx.value == 5)
        #expect(detection.enforcingConsecutive5Xx.value == 100)
        #expect(detection.consecutiveGatewayFailure.value == 0)
        #expect(detection.enforcingConsecutiveGatewayFailure.value == 0)
        #expect(detection.hasEnforcingSuccessRate && detection.enforcingSuccessRate.value == 0)
        #expect(detection.interval.seconds == 10)
        #expect(detection.baseEjectionTime.seconds == 30)
        #expect(detection.maxEjectionPercent.value == 50)
        #expect(!detection.splitExternalLocalOriginErrors)
        // Panic mode off unless minHealthPercent says otherwise.
        #expect(cluster.commonLbConfig.hasHealthyPanicThreshold)
        #expect(cluster.commonLbConfig.healthyPanicThreshold.value == 0)
    }

    @Test func localOriginFailures() async throws {
        let cluster = try ClusterFixture.cluster(
            #"{"outlierDetection": {"splitExternalLocalOriginErrors": true, "consecutiveLocalOriginFailures": 3, "minHealthPercent": 40}}"#)
        let detection = cluster.outlierDetection
        #expect(detection.splitExternalLocalOriginErrors)
        #expect(detection.consecutiveLocalOriginFailure.value == 3)
        #expect(detection.enforcingConsecutiveLocalOriginFailure.value == 100)
        #expect(detection.hasEnforcingLocalOriginSuccessRate && detection.enforcingLocalOriginSuccessRate.value == 0)
        #expect(cluster.commonLbConfig.healthyPanicThreshold.value == 40)
    }

    @Test func httpErrorCodesBecomeAStatusMatcher() async throws {
        let single = try ClusterFixture.cluster(#"{"outlierDetection": {"consecutive5xxErrors": 2, "outlierDetectionHttpErrorCodes": [503]}}"#)
        let one = try #require(try ClusterFixture.httpOptions(single)).outlierDetection.errorMatcher
        #expect(one.httpResponseHeadersMatch.headers.map(\.name) == [":status"])
        #expect(one.httpResponseHeadersMatch.headers.map(\.stringMatch.exact) == ["503"])

        let several = try ClusterFixture.cluster(#"{"outlierDetection": {"outlierDetectionHttpErrorCodes": [502, 429]}}"#)
        let any = try #require(try ClusterFixture.httpOptions(several)).outlierDetection.errorMatcher
        #expect(any.orMatch.rules.flatMap(\.httpResponseHeadersMatch.headers).map(\.stringMatch.exact) == ["502", "429"])
    }
}
