import Discovery
import SwiftProtobuf
import XDS

/// The TLS a gateway server terminates: certificates from files, or from a
/// Kubernetes Secret (`credentialName`) served over ADS as Istio names it.
enum GatewayTLS {
    /// The SDS name of the Secret `name`: Istio's `kubernetes://NAME`.
    static func secretName(_ credentialName: String) -> String {
        credentialName.hasPrefix("kubernetes://") ? credentialName : "kubernetes://\(credentialName)"
    }

    static func transportSocket(_ tls: ServerTLSSettings?, gatewayNamespace: String) throws -> Envoy_Config_Core_V3_TransportSocket {
        var context = Envoy_Extensions_TransportSockets_Tls_V3_DownstreamTlsContext()
        var common = Envoy_Extensions_TransportSockets_Tls_V3_CommonTlsContext()
        if let credential = tls?.credentialName ?? tls?.credentialNames?.first {
            var sds = Envoy_Extensions_TransportSockets_Tls_V3_SdsSecretConfig()
            sds.name = secretName(credential)
            sds.sdsConfig = EnvoyBlocks.ads
            common.tlsCertificateSdsSecretConfigs = [sds]
        } else {
            var certificate = Envoy_Extensions_TransportSockets_Tls_V3_TlsCertificate()
            certificate.certificateChain.filename = tls?.serverCertificate ?? ""
            certificate.privateKey.filename = tls?.privateKey ?? ""
            common.tlsCertificates = [certificate]
        }
        if tls?.mode == .mutual, let ca = tls?.caCertificates {
            var validation = Envoy_Extensions_TransportSockets_Tls_V3_CertificateValidationContext()
            validation.trustedCa.filename = ca
            common.validationContext = validation
            context.requireClientCertificate = Google_Protobuf_BoolValue(true)
        }
        common.alpnProtocols = ["h2", "http/1.1"]
        context.commonTlsContext = common
        var socket = Envoy_Config_Core_V3_TransportSocket()
        socket.name = "envoy.transport_sockets.tls"
        socket.typedConfig = try XDSResource.pack(context)
        return socket
    }
}
