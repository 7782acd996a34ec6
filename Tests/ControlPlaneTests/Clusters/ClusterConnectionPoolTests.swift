import ControlPlane
import Discovery
import Testing
import XDS

/// `connectionPool` → circuit breakers, timeouts, keepalive, HTTP protocol options.
@Suite struct ClusterConnectionPoolTests {
    @Test func withoutARuleCircuitBreakersAreLifted() async throws {
        let cluster = try ClusterFixture.cluster(nil)
        let thresholds = try #require(cluster.circuitBreakers.thresholds.first)
        #expect(thresholds.maxConnections.value == UInt32.max)
        #expect(thresholds.maxPendingRequests.value == UInt32.max)
        #expect(thresholds.maxRequests.value == UInt32.max)
        #expect(thresholds.maxRetries.value == UInt32.max)
        #expect(!thresholds.trackRemaining)
        // The generator's default connect timeout stays, and an HTTP/1.1 port gets
        // no protocol options at all.
        #expect(cluster.connectTimeout.seconds == 10)
        #expect(try ClusterFixture.httpOptions(cluster) == nil)
    }

    @Test func limitsBecomeThresholds() async throws {
        let cluster = try ClusterFixture.cluster(
            """
            {"connectionPool": {"tcp": {"maxConnections": 100, "connectTimeout": "250ms"},
              "http": {"http1MaxPendingRequests": 10, "http2MaxRequests": 1000, "maxRetries": 4}}}
            """)
        let thresholds = try #require(cluster.circuitBreakers.thresholds.first)
        #expect(thresholds.maxConnections.value == 100)
        #expect(thresholds.maxPendingRequests.value == 10)
        #expect(thresholds.maxRequests.value == 1000)
        #expect(thresholds.maxRetries.value == 4)
        #expect(cluster.connectTimeout.seconds == 0)
        #expect(cluster.connectTimeout.nanos == 250_000_000)
    }

    @Test func retryBudgetDefaults() async throws {
        let cluster = try ClusterFixture.cluster(#"{"retryBudget": {"percent": 25}}"#)
        let budget = try #require(cluster.circuitBreakers.thresholds.first).retryBudget
        #expect(budget.budgetPercent.value == 25)
        #expect(budget.minRetryConcurrency.value == 3)
    }

    @Test func tcpKeepaliveOverridesTheMeshOnesFieldByField() async throws {
        var input = try ClusterFixture.input(#"{"connectionPool": {"tcp": {"tcpKeepalive": {"time": "600s", "interval": "75s"}}}}"#)
        input.meshTCPKeepalive = try ClusterFixture.policy(
            #"{"connectionPool": {"tcp": {"tcpKeepalive": {"probes": 9, "time": "7200s"}}}}"#
        ).connectionPool?.tcp?.tcpKeepalive
        let keepalive = try ClusterFixture.cluster(input).upstreamConnectionOptions.tcpKeepalive
        #expect(keepalive.keepaliveProbes.value == 9)
        #expect(keepalive.keepaliveTime.value == 600)
        #expect(keepalive.keepaliveInterval.value == 75)
    }

    @Test func httpSettingsGoToCommonProtocolOptions() async throws {
        let cluster = try ClusterFixture.cluster(
            #"{"connectionPool": {"http": {"idleTimeout": "30s", "maxRequestsPerConnection": 1}, "tcp": {"maxConnectionDuration": "1h", "idleTimeout": "5s"}}}"#)
        let options = try #require(try ClusterFixture.httpOptions(cluster))
        #expect(options.commonHTTPProtocolOptions.idleTimeout.seconds == 30)
        #expect(options.commonHTTPProtocolOptions.maxRequestsPerConnection.value == 1)
        #expect(options.commonHTTPProtocolOptions.maxConnectionDuration.seconds == 3600)
        // Envoy needs a protocol choice: HTTP/1.1, explicitly.
        #expect(ClusterFixture.upstreamProtocol(options) == "http1")
    }

    @Test(arguments: [PortProtocol.grpc, .http2])
    func http2PortsGetExplicitHTTP2WithoutARule(portProtocol: PortProtocol) async throws {
        let cluster = try ClusterFixture.cluster(nil, protocol: portProtocol)
        let options = try #require(try ClusterFixture.httpOptions(cluster))
        #expect(ClusterFixture.upstreamProtocol(options) == "http2")
    }

    @Test func http2SettingsOnAnHTTP2Upstream() async throws {
        let cluster = try ClusterFixture.cluster(
            #"{"connectionPool": {"http": {"maxConcurrentStreams": 50, "http2KeepAlive": {"interval": "10s", "timeout": "3s"}}}}"#,
            protocol: .grpc)
        let http2 = try #require(try ClusterFixture.httpOptions(cluster)).explicitHTTPConfig.http2ProtocolOptions
        #expect(http2.maxConcurrentStreams.value == 50)
        #expect(http2.connectionKeepalive.interval.seconds == 10)
        #expect(http2.connectionKeepalive.timeout.seconds == 3)
    }

    @Test func h2UpgradePolicy() async throws {
        let upgraded = try ClusterFixture.cluster(#"{"connectionPool": {"http": {"h2UpgradePolicy": "UPGRADE"}}}"#)
        #expect(ClusterFixture.upstreamProtocol(try ClusterFixture.httpOptions(upgraded)) == "http2")

        var meshWide = try ClusterFixture.input(nil)
        meshWide.meshUpgradesToHTTP2 = true
        #expect(ClusterFixture.upstreamProtocol(try ClusterFixture.httpOptions(ClusterFixture.cluster(meshWide))) == "http2")

        meshWide.destinationRule = try ClusterFixture.policy(#"{"connectionPool": {"http": {"h2UpgradePolicy": "DO_NOT_UPGRADE"}}}"#)
        #expect(try ClusterFixture.httpOptions(ClusterFixture.cluster(meshWide)) == nil)

        var tcp = try ClusterFixture.input(nil, protocol: .tcp)
        tcp.meshUpgradesToHTTP2 = true
        #expect(try ClusterFixture.httpOptions(ClusterFixture.cluster(tcp)) == nil)
    }

    @Test func useClientProtocol() async throws {
        let cluster = try ClusterFixture.cluster(#"{"connectionPool": {"http": {"useClientProtocol": true, "h2UpgradePolicy": "UPGRADE"}}}"#)
        let options = try #require(try ClusterFixture.httpOptions(cluster))
        #expect(ClusterFixture.upstreamProtocol(options) == "downstream")
        #expect(options.useDownstreamProtocolConfig.hasHTTPProtocolOptions)
        #expect(options.useDownstreamProtocolConfig.hasHTTP2ProtocolOptions)
    }
}
