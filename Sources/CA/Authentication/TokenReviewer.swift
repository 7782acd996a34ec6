/// A Kubernetes service account, as a verified token names it.
public struct ServiceAccountName: Sendable, Hashable {
    /// The namespace.
    public var namespace: String
    /// The service account's name.
    public var name: String

    public init(namespace: String, name: String) {
        self.namespace = namespace
        self.name = name
    }

    /// Parses `system:serviceaccount:NS:SA`, the `sub` of every service-account token.
    public init?(subject: String) {
        let parts = subject.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "system", parts[1] == "serviceaccount",
            !parts[2].isEmpty, !parts[3].isEmpty
        else { return nil }
        self.init(namespace: String(parts[2]), name: String(parts[3]))
    }
}

/// Turns a bearer token into the service account it was issued to, or refuses it.
///
/// The seam between local checks and Kubernetes: file mode uses
/// ``LocalTokenVerifier`` (JWKS, issuer, audience, expiry); in a cluster an
/// implementation posts a TokenReview (audience `istio-ca`) to the API server.
public protocol TokenReviewer: Sendable {
    /// The token's service account; throws an ``CARejection/Reason/unauthenticated``
    /// rejection saying why the token is not accepted.
    func review(token: String) async throws(CARejection) -> ServiceAccountName
}
