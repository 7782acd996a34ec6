import Discovery
import Foundation
import XDS

/// Gateway certificates over ADS: `kubernetes://NAME` is the Kubernetes TLS Secret
/// NAME (`tls.crt`, `tls.key`) in the gateway proxy's own namespace. Only routers
/// get them, and only from their namespace, as istiod authorizes.
struct SecretGenerator {
    let context: PushContext
    let proxy: MeshProxy

    func generate(names: Set<String>?) -> [Envoy_Extensions_TransportSockets_Tls_V3_Secret] {
        guard proxy.isRouter, let names else { return [] }
        return names.sorted().compactMap { name -> Envoy_Extensions_TransportSockets_Tls_V3_Secret? in
            guard name.hasPrefix("kubernetes://") else { return nil }
            let secretName = String(name.dropFirst("kubernetes://".count))
            guard let secret = context.secrets["\(proxy.namespace)/\(secretName)"],
                let chain = Self.value(secret, "tls.crt"), let key = Self.value(secret, "tls.key")
            else { return nil }
            var certificate = Envoy_Extensions_TransportSockets_Tls_V3_TlsCertificate()
            certificate.certificateChain.inlineBytes = chain
            certificate.privateKey.inlineBytes = key
            var result = Envoy_Extensions_TransportSockets_Tls_V3_Secret()
            result.name = name
            result.tlsCertificate = certificate
            return result
        }
    }

    /// A key of the Secret: `data` is base64, `stringData` plain.
    static func value(_ secret: Secret, _ key: String) -> Data? {
        if let encoded = secret.data?[key], let decoded = Data(base64Encoded: encoded) { return decoded }
        return secret.stringData?[key].map { Data($0.utf8) }
    }
}
