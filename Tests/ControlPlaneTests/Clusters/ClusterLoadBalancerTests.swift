import ControlPlane
import Discovery
import Testing
import XDS

/// `loadBalancer` on the cluster, and the hash policy the routes get.
@Suite struct ClusterLoadBalancerTests {
    @Test func defaultIsLeastRequest() async throws {
        let cluster = try ClusterFixture.cluster(nil)
        #expect(cluster.lbPolicy == .leastRequest)
        #expect(cluster.lbConfig == nil)
    }

    @Test(arguments: [
        ("ROUND_ROBIN", Envoy_Config_Cluster_V3_Cluster.LbPolicy.roundRobin),
        ("LEAST_REQUEST", .leastRequest),
        ("LEAST_CONN", .leastRequest),
        ("RANDOM", .random),
        ("UNSPECIFIED", .leastRequest),
    ])
    func simplePolicies(simple: String, expected: Envoy_Config_Cluster_V3_Cluster.LbPolicy) throws {
        let cluster = try ClusterFixture.cluster(#"{"loadBalancer": {"simple": "\#(simple)"}}"#)
        #expect(cluster.lbPolicy == expected)
    }

    @Test func passthroughBecomesAnOriginalDestinationCluster() async throws {
        let cluster = try ClusterFixture.cluster(#"{"loadBalancer": {"simple": "PASSTHROUGH"}}"#)
        #expect(cluster.type == .originalDst)
        #expect(cluster.lbPolicy == .clusterProvided)
        #expect(!cluster.hasEdsClusterConfig)
        #expect(!cluster.hasLoadAssignment)
    }

    @Test func warmupBecomesSlowStart() async throws {
        let cluster = try ClusterFixture.cluster(
            #"{"loadBalancer": {"simple": "ROUND_ROBIN", "warmup": {"duration": "30s", "aggression": 2}}}"#)
        let slowStart = cluster.roundRobinLbConfig.slowStartConfig
        #expect(slowStart.slowStartWindow.seconds == 30)
        #expect(slowStart.aggression.defaultValue == 2)
        #expect(slowStart.minWeightPercent.value == 10)
    }

    @Test func consistentHashDefaultsToARingOf1024() async throws {
        let cluster = try ClusterFixture.cluster(#"{"loadBalancer": {"consistentHash": {"httpHeaderName": "x-user"}}}"#)
        #expect(cluster.lbPolicy == .ringHash)
        #expect(cluster.ringHashLbConfig.minimumRingSize.value == 1024)
    }

    @Test func ringHashMinimumSize() async throws {
        let cluster = try ClusterFixture.cluster(
            #"{"loadBalancer": {"consistentHash": {"useSourceIp": true, "ringHash": {"minimumRingSize": 4096}}}}"#)
        #expect(cluster.lbPolicy == .ringHash)
        #expect(cluster.ringHashLbConfig.minimumRingSize.value == 4096)
    }

    @Test func maglevTableSize() async throws {
        let cluster = try ClusterFixture.cluster(
            #"{"loadBalancer": {"consistentHash": {"httpCookie": {"name": "session", "ttl": "0s"}, "maglev": {"tableSize": 65537}}}}"#)
        #expect(cluster.lbPolicy == .maglev)
        #expect(cluster.maglevLbConfig.tableSize.value == 65537)
    }

    @Test func maglevTableSizeThatIsNotPrimeIsRefused() async throws {
        let input = try ClusterFixture.input(#"{"loadBalancer": {"consistentHash": {"useSourceIp": true, "maglev": {"tableSize": 1000}}}}"#)
        var cluster = ClusterFixture.baseCluster(for: input)
        #expect(throws: ClusterPolicyError.self) { try ClusterPolicy.apply(input, to: &cluster) }
    }

    @Test func hashPolicyForEachHashKey() async throws {
        func policies(_ hash: String) throws -> [Envoy_Config_Route_V3_RouteAction.HashPolicy] {
            ClusterPolicy.hashPolicy(try ClusterFixture.policy(#"{"loadBalancer": {"consistentHash": \#(hash)}}"#))
        }
        #expect(try policies(#"{"httpHeaderName": "x-user"}"#).first?.header.headerName == "x-user")
        #expect(try policies(#"{"useSourceIp": true}"#).first?.connectionProperties.sourceIp == true)
        #expect(try policies(#"{"httpQueryParameterName": "id"}"#).first?.queryParameter.name == "id")
        let cookie = try #require(try policies(
            #"{"httpCookie": {"name": "session", "path": "/", "ttl": "60s", "attributes": [{"name": "SameSite", "value": "Strict"}]}}"#
        ).first?.cookie)
        #expect(cookie.name == "session")
        #expect(cookie.path == "/")
        #expect(cookie.ttl.seconds == 60)
        #expect(cookie.attributes.map(\.name) == ["SameSite"])
        #expect(ClusterPolicy.hashPolicy(try ClusterFixture.policy(#"{"loadBalancer": {"simple": "RANDOM"}}"#)).isEmpty)
        #expect(ClusterPolicy.hashPolicy(nil).isEmpty)
    }

    @Test func localityDistributeTurnsOnLocalityWeighting() async throws {
        let cluster = try ClusterFixture.cluster(
            #"{"loadBalancer": {"localityLbSetting": {"enabled": true, "distribute": [{"from": "us-west/*", "to": {"us-west/*": 80, "us-east/*": 20}}]}}}"#)
        #expect(cluster.commonLbConfig.localityWeightedLbConfig == .init())
    }

    @Test func localityFailoverNeedsOutlierDetection() async throws {
        let failover = #""localityLbSetting": {"failover": [{"from": "us-west", "to": "us-east"}]}"#
        let without = try ClusterFixture.cluster(#"{"loadBalancer": {\#(failover)}}"#)
        #expect(without.commonLbConfig.localityConfigSpecifier == nil)
        let with = try ClusterFixture.cluster(
            #"{"loadBalancer": {\#(failover)}, "outlierDetection": {"consecutive5xxErrors": 5}}"#)
        #expect(with.commonLbConfig.localityWeightedLbConfig == .init())
    }

    @Test func disabledLocalitySettingDoesNothing() async throws {
        let cluster = try ClusterFixture.cluster(
            #"{"loadBalancer": {"localityLbSetting": {"enabled": false, "distribute": [{"from": "a/*", "to": {"b/*": 100}}]}}}"#)
        #expect(cluster.commonLbConfig.localityConfigSpecifier == nil)
    }

    @Test func zoneAwareSetting() async throws {
        let cluster = try ClusterFixture.cluster(
            #"{"loadBalancer": {"zoneAwareLbSetting": {"enabled": false, "minClusterSize": 3}}}"#)
        #expect(cluster.commonLbConfig.zoneAwareLbConfig.minClusterSize.value == 3)
        #expect(cluster.commonLbConfig.zoneAwareLbConfig.routingEnabled.value == 0)
    }
}
