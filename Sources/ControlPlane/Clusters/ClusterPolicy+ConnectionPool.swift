import Discovery
import SwiftProtobuf
import XDS

extension ClusterPolicy {
    /// istiod's circuit breaker thresholds when a rule sets none: every limit at its
    /// maximum. Envoy's own defaults (1024 connections, 3 parallel retries) trip
    /// during rollouts before new endpoints arrive, so istiod lifts them.
    public static var defaultCircuitBreakerThresholds: Envoy_Config_Cluster_V3_CircuitBreakers.Thresholds {
        var thresholds = Envoy_Config_Cluster_V3_CircuitBreakers.Thresholds()
        thresholds.maxConnections = ProtoValue.unlimited
        thresholds.maxPendingRequests = ProtoValue.unlimited
        thresholds.maxRequests = ProtoValue.unlimited
        thresholds.maxRetries = ProtoValue.unlimited
        return thresholds
    }

    /// `connectionPool` (and `retryBudget`): circuit breakers, connect timeout, TCP
    /// keepalive and the HTTP protocol options. Circuit breakers are set even
    /// without a connection pool, as istiod does. Zero means "unset" here, as in
    /// istiod (the API cannot tell them apart).
    static func applyConnectionPool(
        _ settings: ConnectionPoolSettings?,
        retryBudget: TrafficPolicy.RetryBudget?,
        input: ClusterPolicyInput,
        to builder: inout ClusterUnderConstruction
    ) {
        var thresholds = defaultCircuitBreakerThresholds
        if let retryBudget {
            var budget = Envoy_Config_Cluster_V3_CircuitBreakers.Thresholds.RetryBudget()
            budget.budgetPercent = ProtoValue.percent(retryBudget.percent ?? 20)
            let minimum = retryBudget.minRetryConcurrency ?? 0
            budget.minRetryConcurrency = ProtoValue.uint32(minimum > 0 ? minimum : 3)
            thresholds.retryBudget = budget
        }

        let http = settings?.http
        let tcp = settings?.tcp
        if let value = http?.http2MaxRequests, value > 0 { thresholds.maxRequests = ProtoValue.uint32(value) }
        if let value = http?.http1MaxPendingRequests, value > 0 { thresholds.maxPendingRequests = ProtoValue.uint32(value) }
        if let value = http?.maxRetries, value > 0 { thresholds.maxRetries = ProtoValue.uint32(value) }
        if let value = tcp?.maxConnections, value > 0 { thresholds.maxConnections = ProtoValue.uint32(value) }
        if let connectTimeout = tcp?.connectTimeout {
            builder.cluster.connectTimeout = ProtoValue.duration(connectTimeout)
        }
        var breakers = Envoy_Config_Cluster_V3_CircuitBreakers()
        breakers.thresholds = [thresholds]
        builder.cluster.circuitBreakers = breakers

        applyTCPKeepalive(input.meshTCPKeepalive, to: &builder.cluster)
        applyTCPKeepalive(tcp?.tcpKeepalive, to: &builder.cluster)

        applyHTTPOptions(http: http, tcp: tcp, to: &builder)
        if http?.useClientProtocol == true {
            // Speak upstream whatever the client spoke downstream.
            var downstream = Envoy_Extensions_Upstreams_Http_V3_HttpProtocolOptions.UseDownstreamHttpConfig()
            if case .explicitHTTPConfig(let explicit)? = builder.httpOptions?.upstreamProtocolOptions,
               case .httpProtocolOptions(let http1)? = explicit.protocolConfig {
                downstream.httpProtocolOptions = http1
            } else {
                downstream.httpProtocolOptions = .init()
            }
            downstream.http2ProtocolOptions = .init()
            builder.http.useDownstreamProtocolConfig = downstream
        }
    }

    /// Idle timeout, requests per connection, connection lifetime, and for HTTP/2
    /// upstreams concurrent streams and PING keepalive. The HTTP idle timeout wins
    /// over the TCP one.
    static func applyHTTPOptions(
        http: ConnectionPoolSettings.HTTP?,
        tcp: ConnectionPoolSettings.TCP?,
        to builder: inout ClusterUnderConstruction
    ) {
        let idleTimeout = http?.idleTimeout ?? tcp?.idleTimeout
        let maxRequestsPerConnection = http?.maxRequestsPerConnection ?? 0
        let maxConcurrentStreams = http?.maxConcurrentStreams ?? 0
        let maxConnectionDuration = tcp?.maxConnectionDuration
        let keepalive = http?.http2KeepAlive
        guard idleTimeout != nil || maxRequestsPerConnection > 0 || maxConcurrentStreams > 0
                || maxConnectionDuration != nil || keepalive != nil
        else { return }

        var options = builder.http
        var common = options.hasCommonHTTPProtocolOptions ? options.commonHTTPProtocolOptions : .init()
        if let idleTimeout { common.idleTimeout = ProtoValue.duration(idleTimeout) }
        if maxRequestsPerConnection > 0 { common.maxRequestsPerConnection = ProtoValue.uint32(maxRequestsPerConnection) }
        if let maxConnectionDuration { common.maxConnectionDuration = ProtoValue.duration(maxConnectionDuration) }
        options.commonHTTPProtocolOptions = common

        if case .explicitHTTPConfig(var explicit)? = options.upstreamProtocolOptions,
           case .http2ProtocolOptions(var http2)? = explicit.protocolConfig {
            if maxConcurrentStreams > 0 { http2.maxConcurrentStreams = ProtoValue.uint32(maxConcurrentStreams) }
            if let keepalive {
                var settings = Envoy_Config_Core_V3_KeepaliveSettings()
                if let interval = keepalive.interval { settings.interval = ProtoValue.duration(interval) }
                if let timeout = keepalive.timeout { settings.timeout = ProtoValue.duration(timeout) }
                http2.connectionKeepalive = settings
            }
            explicit.http2ProtocolOptions = http2
            options.explicitHTTPConfig = explicit
        }
        builder.http = options
    }

    /// `tcpKeepalive`: SO_KEEPALIVE with the OS defaults, then each field given.
    /// Applied twice, mesh-wide first and the rule's over it.
    static func applyTCPKeepalive(_ keepalive: ConnectionPoolSettings.TCP.Keepalive?, to cluster: inout Envoy_Config_Cluster_V3_Cluster) {
        guard let keepalive else { return }
        if !cluster.hasUpstreamConnectionOptions {
            var options = Envoy_Config_Cluster_V3_UpstreamConnectionOptions()
            options.tcpKeepalive = .init()
            cluster.upstreamConnectionOptions = options
        }
        if let probes = keepalive.probes, probes > 0 {
            cluster.upstreamConnectionOptions.tcpKeepalive.keepaliveProbes = ProtoValue.uint32(probes)
        }
        if let time = keepalive.time {
            cluster.upstreamConnectionOptions.tcpKeepalive.keepaliveTime = ProtoValue.wholeSeconds(time)
        }
        if let interval = keepalive.interval {
            cluster.upstreamConnectionOptions.tcpKeepalive.keepaliveInterval = ProtoValue.wholeSeconds(interval)
        }
    }
}
