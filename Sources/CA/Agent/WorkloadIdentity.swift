/// The identity a workload's certificate carries: `spiffe://TRUST_DOMAIN/ns/NS/sa/SA`.
///
/// The CA only signs a CSR whose single SAN is the identity of the authenticated
/// caller, so the agent builds it from the same namespace and service account the
/// token was issued for.
public struct WorkloadIdentity: Sendable, Hashable, CustomStringConvertible {
    /// The mesh's trust domain (`cluster.local` unless configured otherwise).
    public var trustDomain: String
    /// The workload's Kubernetes namespace.
    public var namespace: String
    /// The workload's service account.
    public var serviceAccount: String

    public init(trustDomain: String, namespace: String, serviceAccount: String) {
        self.trustDomain = trustDomain
        self.namespace = namespace
        self.serviceAccount = serviceAccount
    }

    /// The SPIFFE URI, as it appears in the certificate's URI SAN.
    public var spiffeURI: String {
        "spiffe://\(trustDomain)/ns/\(namespace)/sa/\(serviceAccount)"
    }

    public var description: String { spiffeURI }

    /// Why a part is unusable in a SPIFFE path, or nil when all parts are fine.
    ///
    /// Checked at start-up so a typo fails at once instead of as a refusal from the CA.
    public var problem: String? {
        for (name, value) in [("trust domain", trustDomain), ("namespace", namespace), ("service account", serviceAccount)] {
            if value.isEmpty { return "the \(name) is empty" }
            let allowed = value.unicodeScalars.allSatisfy { scalar in
                scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(Character(scalar)) || "-._".unicodeScalars.contains(scalar))
            }
            if !allowed { return "the \(name) \"\(value)\" has characters a SPIFFE ID does not allow" }
        }
        return nil
    }
}
