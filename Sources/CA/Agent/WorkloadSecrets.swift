import Foundation
public import XDS

/// The two SDS secrets every Istio proxy asks its agent for, built from the
/// credentials held.
public enum WorkloadSecrets {
    /// The workload certificate and key (Istio's name).
    public static let certificateName = "default"
    /// The trust bundle (Istio's name).
    public static let rootName = "ROOTCA"

    /// `default`: the chain (leaf and intermediates) and the key, inline as PEM.
    public static func certificate(_ credentials: WorkloadCredentials) throws -> XDSResource {
        var chain = Envoy_Config_Core_V3_DataSource()
        chain.inlineBytes = Data(credentials.chainPEM.utf8)
        var key = Envoy_Config_Core_V3_DataSource()
        key.inlineBytes = Data(credentials.keyPEM.utf8)
        var tls = Envoy_Extensions_TransportSockets_Tls_V3_TlsCertificate()
        tls.certificateChain = chain
        tls.privateKey = key
        var secret = Envoy_Extensions_TransportSockets_Tls_V3_Secret()
        secret.name = certificateName
        secret.tlsCertificate = tls
        return try XDSResource(name: certificateName, message: secret)
    }

    /// `ROOTCA`: a validation context trusting the bundle's roots.
    public static func root(_ credentials: WorkloadCredentials) throws -> XDSResource {
        var trusted = Envoy_Config_Core_V3_DataSource()
        trusted.inlineBytes = Data(credentials.trustBundlePEM.utf8)
        var validation = Envoy_Extensions_TransportSockets_Tls_V3_CertificateValidationContext()
        validation.trustedCa = trusted
        var secret = Envoy_Extensions_TransportSockets_Tls_V3_Secret()
        secret.name = rootName
        secret.validationContext = validation
        return try XDSResource(name: rootName, message: secret)
    }
}
