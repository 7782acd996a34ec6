import ControlPlane
import Discovery
import Testing

/// How the top-level, port-level and subset policies combine (istiod's
/// `MergeSubsetTrafficPolicy`).
@Suite struct ClusterPolicyMergeTests {
    @Test func noRuleMeansNoPolicy() async throws {
        #expect(ClusterPolicy.effective(try ClusterFixture.input()) == nil)
    }

    @Test func subsetBlocksReplaceTopLevelBlocksAndKeepTheRest() async throws {
        let input = try ClusterFixture.input(
            #"{"loadBalancer": {"simple": "RANDOM"}, "connectionPool": {"tcp": {"maxConnections": 10}}}"#,
            subset: "v2",
            subsetJSON: #"{"connectionPool": {"http": {"maxRetries": 5}}}"#)
        let effective = try #require(ClusterPolicy.effective(input))
        #expect(effective.loadBalancer?.simple == .random)
        // The subset's block replaces the whole connectionPool: tcp is not merged in.
        #expect(effective.connectionPool?.tcp == nil)
        #expect(effective.connectionPool?.http?.maxRetries == 5)
    }

    @Test func subsetPolicyIsIgnoredForTheDefaultCluster() async throws {
        let input = try ClusterFixture.input(
            #"{"loadBalancer": {"simple": "RANDOM"}}"#,
            subsetJSON: #"{"loadBalancer": {"simple": "ROUND_ROBIN"}}"#)
        #expect(ClusterPolicy.effective(input)?.loadBalancer?.simple == .random)
    }

    @Test func portLevelSettingsReplaceTheTopLevelWithoutInheriting() async throws {
        let input = try ClusterFixture.input(
            """
            {"loadBalancer": {"simple": "RANDOM"}, "outlierDetection": {"consecutive5xxErrors": 3},
             "portLevelSettings": [{"port": {"number": 9080}, "connectionPool": {"tcp": {"maxConnections": 7}}}]}
            """)
        let effective = try #require(ClusterPolicy.effective(input))
        #expect(effective.connectionPool?.tcp?.maxConnections == 7)
        // Not inherited from the top level: defaults apply.
        #expect(effective.loadBalancer == nil)
        #expect(effective.outlierDetection == nil)
        #expect(effective.portLevelSettings == nil)
    }

    @Test func portLevelSettingsForAnotherPortLeaveTheTopLevel() async throws {
        let input = try ClusterFixture.input(
            #"{"loadBalancer": {"simple": "RANDOM"}, "portLevelSettings": [{"port": {"number": 8080}, "loadBalancer": {"simple": "ROUND_ROBIN"}}]}"#)
        #expect(ClusterPolicy.effective(input)?.loadBalancer?.simple == .random)
    }

    @Test func subsetPortLevelSettingsReplaceAllFourBlocks() async throws {
        let input = try ClusterFixture.input(
            #"{"loadBalancer": {"simple": "RANDOM"}, "tls": {"mode": "ISTIO_MUTUAL"}}"#,
            subset: "v1",
            subsetJSON: #"{"loadBalancer": {"simple": "ROUND_ROBIN"}, "portLevelSettings": [{"port": {"number": 9080}, "outlierDetection": {"consecutive5xxErrors": 2}}]}"#)
        let effective = try #require(ClusterPolicy.effective(input))
        #expect(effective.outlierDetection?.consecutive5xxErrors == 2)
        #expect(effective.loadBalancer == nil)
        #expect(effective.tls == nil)
    }

    @Test func subsetAloneWhenTheRuleHasNoTopLevelPolicy() async throws {
        let input = try ClusterFixture.input(
            nil, subset: "v1", subsetJSON: #"{"loadBalancer": {"simple": "LEAST_REQUEST"}}"#)
        #expect(ClusterPolicy.effective(input)?.loadBalancer?.simple == .leastRequest)
    }

    @Test func meshDefaultFillsOnlyUnsetBlocks() async throws {
        var input = try ClusterFixture.input(#"{"connectionPool": {"tcp": {"maxConnections": 3}}}"#)
        input.meshDefaultPolicy = try ClusterFixture.policy(
            #"{"connectionPool": {"tcp": {"maxConnections": 100}}, "outlierDetection": {"consecutive5xxErrors": 9}}"#)
        let effective = try #require(ClusterPolicy.effective(input))
        #expect(effective.connectionPool?.tcp?.maxConnections == 3)
        #expect(effective.outlierDetection?.consecutive5xxErrors == 9)
    }

    @Test func mergedPolicyReachesTheCluster() async throws {
        let cluster = try ClusterFixture.cluster(
            #"{"loadBalancer": {"simple": "RANDOM"}}"#,
            subset: "v2", subsetJSON: #"{"loadBalancer": {"simple": "ROUND_ROBIN"}}"#)
        #expect(cluster.name == "outbound|9080|v2|reviews.default.svc.cluster.local")
        #expect(cluster.lbPolicy == .roundRobin)
    }
}
