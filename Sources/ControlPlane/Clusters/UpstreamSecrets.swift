import SwiftProtobuf
import XDS

/// Where a cluster's TLS context fetches its secrets, named as istiod names them.
///
/// The workload's own certificate (`default`) and the mesh trust bundle (`ROOTCA`)
/// come from the node agent over gRPC, through the bootstrap's static `sds-grpc`
/// cluster. Secrets a DestinationRule names by `credentialName` come from the
/// control plane over ADS as `kubernetes://NAME` (its CA as `kubernetes://NAME-cacert`).
public enum UpstreamSecrets {
    /// The suffix istiod appends to a credential's name for its CA certificate.
    public static let caSuffix = "-cacert"

    /// `default` (or `ROOTCA`) from the node agent: gRPC SDS over `sds-grpc`, node
    /// sent once per stream, and no initial fetch timeout (the cluster waits for its
    /// certificate rather than coming up without one).
    public static func fromAgent(_ name: String) -> Envoy_Extensions_TransportSockets_Tls_V3_SdsSecretConfig {
        var grpc = Envoy_Config_Core_V3_GrpcService()
        var envoyGrpc = Envoy_Config_Core_V3_GrpcService.EnvoyGrpc()
        envoyGrpc.clusterName = MeshNames.sdsCluster
        grpc.envoyGrpc = envoyGrpc

        var api = Envoy_Config_Core_V3_ApiConfigSource()
        api.apiType = .grpc
        api.setNodeOnFirstMessageOnly = true
        api.transportApiVersion = .v3
        api.grpcServices = [grpc]

        var source = Envoy_Config_Core_V3_ConfigSource()
        source.apiConfigSource = api
        source.resourceApiVersion = .v3
        source.initialFetchTimeout = Google_Protobuf_Duration(seconds: 0)

        var config = Envoy_Extensions_TransportSockets_Tls_V3_SdsSecretConfig()
        config.name = name
        config.sdsConfig = source
        return config
    }

    /// A DestinationRule `credentialName`: from the control plane over ADS, except
    /// `builtin://` (the workload's own certificate, from the agent). No initial
    /// fetch timeout override: a missing secret must not hold the cluster back.
    public static func forCredential(_ credentialName: String) -> Envoy_Extensions_TransportSockets_Tls_V3_SdsSecretConfig {
        if credentialName == builtinPrefix { return fromAgent(MeshNames.workloadSecret) }
        if credentialName == builtinPrefix + caSuffix { return fromAgent(MeshNames.rootSecret) }
        var source = Envoy_Config_Core_V3_ConfigSource()
        source.ads = .init()
        source.resourceApiVersion = .v3
        var config = Envoy_Extensions_TransportSockets_Tls_V3_SdsSecretConfig()
        config.name = resourceName(credentialName)
        config.sdsConfig = source
        return config
    }

    /// The SDS resource name for a credential name: `kubernetes://NAME` unless it
    /// already says its kind (`kubernetes://`, `kubernetes-gateway://`,
    /// `configmap://`). An `sds://` reference, with no external SDS provider known,
    /// falls back to a Kubernetes secret of the same name, as istiod does.
    public static func resourceName(_ credentialName: String) -> String {
        var name = credentialName
        if name.hasPrefix(externalPrefix) { name.removeFirst(externalPrefix.count) }
        if name.hasPrefix(builtinPrefix) { return MeshNames.workloadSecret }
        if name.hasPrefix("invalid://") { return "invalid://" }
        for kept in ["kubernetes://", "kubernetes-gateway://", "configmap://"] where name.hasPrefix(kept) {
            return name
        }
        return "kubernetes://" + name
    }

    static let builtinPrefix = "builtin://"
    static let externalPrefix = "sds://"
}
