public import XDS

/// `controld proxy-config secrets`: istioctl's RESOURCE NAME, TYPE, STATUS,
/// VALID CERT, SERIAL NUMBER, NOT AFTER, NOT BEFORE. The certificate columns need
/// the certificate itself, which SDS secrets from the node agent carry and the
/// control plane never sees, so they show "-".
public enum SecretTable {
    public static func make(_ secrets: [Envoy_Extensions_TransportSockets_Tls_V3_Secret]) -> TextTable {
        let rows = secrets.sorted { $0.name < $1.name }.map { secret in
            [secret.name, kind(secret), "ACTIVE", "-", "-", "-", "-"]
        }
        return TextTable(
            header: ["RESOURCE NAME", "TYPE", "STATUS", "VALID CERT", "SERIAL NUMBER", "NOT AFTER", "NOT BEFORE"],
            rows: rows,
            padding: 5
        )
    }

    /// istioctl's words: a workload chain is "Cert Chain", a trust bundle "CA".
    static func kind(_ secret: Envoy_Extensions_TransportSockets_Tls_V3_Secret) -> String {
        switch secret.type {
        case .tlsCertificate?: "Cert Chain"
        case .validationContext?: "CA"
        case .genericSecret?: "Generic"
        case nil: "-"
        }
    }
}
