import SwiftProtobuf

/// The Envoy messages this project defines that can travel inside a
/// `google.protobuf.Any`, registered with swift-protobuf so JSON encoding can render
/// them.
///
/// Proto3 JSON writes an `Any` as its message's fields plus `"@type"`, which needs
/// the message type at hand: without registration, rendering a listener whose
/// `typed_config` holds an HttpConnectionManager fails. The debug endpoints and the
/// `proxy-config` command both read resources this way.
public enum EnvoyTypeRegistry {
    /// Every registered type: the xDS resources themselves and the extensions that
    /// appear in their `typed_config`s and `typed_extension_protocol_options`.
    public static var messageTypes: [any SwiftProtobuf.Message.Type] {
        [
            // Resources.
            Envoy_Config_Cluster_V3_Cluster.self,
            Envoy_Config_Endpoint_V3_ClusterLoadAssignment.self,
            Envoy_Config_Listener_V3_Listener.self,
            Envoy_Config_Route_V3_RouteConfiguration.self,
            Envoy_Extensions_TransportSockets_Tls_V3_Secret.self,
            // Network filters.
            Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_HttpConnectionManager.self,
            Envoy_Extensions_Filters_Network_TcpProxy_V3_TcpProxy.self,
            Envoy_Extensions_Filters_Network_Rbac_V3_RBAC.self,
            // HTTP filters and their per-route configuration.
            Envoy_Extensions_Filters_Http_Router_V3_Router.self,
            Envoy_Extensions_Filters_Http_Fault_V3_HTTPFault.self,
            Envoy_Extensions_Filters_Http_Cors_V3_Cors.self,
            Envoy_Extensions_Filters_Http_Cors_V3_CorsPolicy.self,
            Envoy_Extensions_Filters_Http_Rbac_V3_RBAC.self,
            Envoy_Extensions_Filters_Http_Rbac_V3_RBACPerRoute.self,
            Envoy_Extensions_Filters_Http_JwtAuthn_V3_JwtAuthentication.self,
            // Retry extensions (route retry policies).
            Envoy_Extensions_Retry_Host_PreviousHosts_V3_PreviousHostsPredicate.self,
            Envoy_Extensions_Retry_Priority_PreviousPriorities_V3_PreviousPrioritiesConfig.self,
            // Listener filters.
            Envoy_Extensions_Filters_Listener_TlsInspector_V3_TlsInspector.self,
            Envoy_Extensions_Filters_Listener_HttpInspector_V3_HttpInspector.self,
            Envoy_Extensions_Filters_Listener_OriginalDst_V3_OriginalDst.self,
            // Transport sockets, access logs, upstream protocol options.
            Envoy_Extensions_TransportSockets_Tls_V3_UpstreamTlsContext.self,
            Envoy_Extensions_TransportSockets_Tls_V3_DownstreamTlsContext.self,
            Envoy_Extensions_TransportSockets_RawBuffer_V3_RawBuffer.self,
            Envoy_Extensions_TransportSockets_ProxyProtocol_V3_ProxyProtocolUpstreamTransport.self,
            Envoy_Extensions_AccessLoggers_File_V3_FileAccessLog.self,
            Envoy_Config_Trace_V3_OpenTelemetryConfig.self,
            Envoy_Extensions_Upstreams_Http_V3_HttpProtocolOptions.self,
        ]
    }

    /// Registers every type in ``messageTypes``; cheap to call again.
    public static func registerAll() {
        _ = registered
    }

    // A lazily initialized static runs exactly once, whichever thread gets here first.
    private static let registered: Bool = {
        for messageType in messageTypes {
            Google_Protobuf_Any.register(messageType: messageType)
        }
        return true
    }()
}
