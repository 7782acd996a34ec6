import SwiftProtobuf
import XDS

/// Small Envoy building blocks every generator uses, so each names Envoy's
/// extensions and config sources the same way.
enum EnvoyBlocks {
    /// Resources fetched over the same ADS stream as the one asking.
    static var ads: Envoy_Config_Core_V3_ConfigSource {
        var source = Envoy_Config_Core_V3_ConfigSource()
        source.ads = Envoy_Config_Core_V3_AggregatedConfigSource()
        source.resourceApiVersion = .v3
        return source
    }

    static func socketAddress(_ address: String, port: Int) -> Envoy_Config_Core_V3_Address {
        var result = Envoy_Config_Core_V3_Address()
        result.socketAddress.address = address
        result.socketAddress.portValue = UInt32(clamping: port)
        return result
    }

    static func duration(seconds: Double) -> Google_Protobuf_Duration {
        let whole = seconds.rounded(.down)
        return Google_Protobuf_Duration(seconds: Int64(whole), nanos: Int32((seconds - whole) * 1e9))
    }

    static func networkFilter(_ name: String, _ config: some SwiftProtobuf.Message) throws -> Envoy_Config_Listener_V3_Filter {
        var filter = Envoy_Config_Listener_V3_Filter()
        filter.name = name
        filter.typedConfig = try XDSResource.pack(config)
        return filter
    }

    static func listenerFilter(_ name: String, _ config: some SwiftProtobuf.Message) throws -> Envoy_Config_Listener_V3_ListenerFilter {
        var filter = Envoy_Config_Listener_V3_ListenerFilter()
        filter.name = name
        filter.typedConfig = try XDSResource.pack(config)
        return filter
    }

    static func httpFilter(_ name: String, _ config: some SwiftProtobuf.Message) throws
        -> Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_HttpFilter
    {
        var filter = Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_HttpFilter()
        filter.name = name
        filter.typedConfig = try XDSResource.pack(config)
        return filter
    }

    static let httpConnectionManagerName = "envoy.filters.network.http_connection_manager"
    static let tcpProxyName = "envoy.filters.network.tcp_proxy"
    static let tlsInspectorName = "envoy.filters.listener.tls_inspector"
    static let originalDstName = "envoy.filters.listener.original_dst"

    /// The HTTP filters every connection manager carries, in Istio's order: the
    /// inbound side's security filters (JWT, RBAC) first, fault and CORS
    /// (configured per route), then the router.
    static func httpFilters(
        security: [Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_HttpFilter] = []
    ) throws -> [Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_HttpFilter] {
        security + [
            try httpFilter("envoy.filters.http.fault", Envoy_Extensions_Filters_Http_Fault_V3_HTTPFault()),
            try httpFilter("envoy.filters.http.cors", Envoy_Extensions_Filters_Http_Cors_V3_Cors()),
            try httpFilter("envoy.filters.http.router", Envoy_Extensions_Filters_Http_Router_V3_Router()),
        ]
    }

    /// An HTTP connection manager taking routes named `routeName` over ADS, or the
    /// inline `routeConfig` (inbound listeners, which also pass `security` filters
    /// and tell the application who the mTLS caller was).
    static func connectionManager(
        statPrefix: String, routeName: String? = nil, routeConfig: Envoy_Config_Route_V3_RouteConfiguration? = nil,
        mesh: MeshConfig, proxyCluster: String,
        security: [Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_HttpFilter] = [],
        forwardsClientCertificate: Bool = false
    ) throws -> Envoy_Config_Listener_V3_Filter {
        var manager = Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_HttpConnectionManager()
        manager.statPrefix = statPrefix
        if let routeConfig {
            manager.routeConfig = routeConfig
        } else {
            var rds = Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_Rds()
            rds.routeConfigName = routeName ?? ""
            rds.configSource = ads
            manager.rds = rds
        }
        manager.httpFilters = try httpFilters(security: security)
        if forwardsClientCertificate {
            // Istio's inbound setting: the caller's SPIFFE id reaches the application
            // in x-forwarded-client-cert, appended to what a trusted peer forwarded.
            manager.forwardClientCertDetails = .appendForward
            manager.setCurrentClientCertDetails.subject = Google_Protobuf_BoolValue(true)
            manager.setCurrentClientCertDetails.uri = true
            manager.setCurrentClientCertDetails.dns = true
        }
        manager.accessLog = try accessLogs(mesh)
        if let tracing = try tracing(mesh, serviceName: proxyCluster) { manager.tracing = tracing }
        // gRPC and HTTP/2 callers work on any HTTP port, as with Istio's sniffing.
        manager.codecType = .auto
        manager.useRemoteAddress = Google_Protobuf_BoolValue(false)
        return try networkFilter(httpConnectionManagerName, manager)
    }

    /// A TCP proxy to `cluster`.
    static func tcpProxy(statPrefix: String, cluster: String, mesh: MeshConfig) throws -> Envoy_Config_Listener_V3_Filter {
        var proxy = Envoy_Extensions_Filters_Network_TcpProxy_V3_TcpProxy()
        proxy.statPrefix = statPrefix
        proxy.cluster = cluster
        proxy.accessLog = try accessLogs(mesh)
        return try networkFilter(tcpProxyName, proxy)
    }

    /// Tracing to MeshConfig's default OpenTelemetry provider: spans go over OTLP/gRPC
    /// to the collector's `outbound|PORT||SERVICE` cluster, sampled at
    /// `defaultConfig.tracing.sampling` percent (Istio's default, 1%).
    static func tracing(_ mesh: MeshConfig, serviceName: String) throws
        -> Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_HttpConnectionManager.Tracing?
    {
        guard let provider = mesh.tracingProvider, let collector = provider.opentelemetry,
            let service = collector.service, let port = collector.port
        else { return nil }
        var config = Envoy_Config_Trace_V3_OpenTelemetryConfig()
        config.grpcService.envoyGrpc.clusterName = MeshNames.outboundCluster(host: service, port: port)
        config.serviceName = serviceName.isEmpty ? "istio-proxy" : serviceName
        var tracing = Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_HttpConnectionManager.Tracing()
        tracing.provider.name = "envoy.tracers.opentelemetry"
        tracing.provider.typedConfig = try XDSResource.pack(config)
        var sampling = Envoy_Type_V3_Percent()
        sampling.value = mesh.defaultConfig?.tracing?.sampling ?? 1.0
        tracing.randomSampling = sampling
        return tracing
    }

    /// The file access log MeshConfig's `accessLogFile` asks for, if any.
    static func accessLogs(_ mesh: MeshConfig) throws -> [Envoy_Config_Accesslog_V3_AccessLog] {
        guard let path = mesh.accessLogFile, !path.isEmpty else { return [] }
        var file = Envoy_Extensions_AccessLoggers_File_V3_FileAccessLog()
        file.path = path
        var log = Envoy_Config_Accesslog_V3_AccessLog()
        log.name = "envoy.access_loggers.file"
        log.typedConfig = try XDSResource.pack(file)
        return [log]
    }
}
