public import Discovery
import Foundation

/// Checks service-account tokens with the API server, as istiod does in a cluster:
/// it creates an `authentication.k8s.io/v1` TokenReview for the token with the
/// audience `istio-ca` and accepts it only when the server says it is authenticated,
/// for that audience, as a service account (`system:serviceaccount:NS:SA`).
///
/// Every refusal, including an API server that cannot be reached, is an
/// UNAUTHENTICATED rejection with the reason (istiod answers the same way), so the
/// caller retries and the CA keeps serving.
public struct KubernetesTokenReviewer: TokenReviewer {
    /// The API server.
    public var client: KubernetesObjectClient
    /// The audiences asked for; Istio's `istio-ca`.
    public var audiences: [String]

    public init(client: KubernetesObjectClient, audiences: [String] = [LocalTokenVerifier.audience]) {
        self.client = client
        self.audiences = audiences
    }

    /// The group every service account's token authenticates into.
    static let serviceAccountGroup = "system:serviceaccounts"

    public func review(token: String) async throws(CARejection) -> ServiceAccountName {
        func refuse(_ reason: String) -> CARejection { CARejection(.unauthenticated, "token: \(reason)") }
        let path = KubernetesResourceType.tokenReviews.collectionPath
        let request: [String: Any] = [
            "apiVersion": KubernetesResourceType.tokenReviews.apiVersion, "kind": "TokenReview",
            "spec": ["token": token, "audiences": audiences],
        ]
        let response: KubernetesResponse
        do {
            let body = try JSONSerialization.data(withJSONObject: request)
            response = try await client.create(body, in: path)
        } catch {
            throw refuse("TokenReview unavailable: cannot reach the API server \(client.server) (\(error))")
        }
        guard response.succeeded else {
            throw refuse("TokenReview failed: \(response.error(path: path))")
        }
        guard let review = try? JSONDecoder().decode(TokenReview.self, from: response.body) else {
            throw refuse("TokenReview failed: the API server's answer is not a TokenReview")
        }
        let status = review.status ?? TokenReview.Status()
        if let error = status.error, !error.isEmpty {
            throw refuse("the API server did not authenticate it: \(error)")
        }
        guard status.authenticated == true else { throw refuse("the API server did not authenticate it") }
        if let granted = status.audiences, !granted.contains(where: audiences.contains) {
            throw refuse("authenticated for audiences \(granted), not \(audiences)")
        }
        let username = status.user?.username ?? ""
        guard status.user?.groups?.contains(Self.serviceAccountGroup) ?? false,
            let account = ServiceAccountName(subject: username)
        else {
            throw refuse("\"\(username)\" is not a service account")
        }
        return account
    }

    /// The parts of a TokenReview's answer that decide.
    struct TokenReview: Decodable {
        struct Status: Decodable {
            var authenticated: Bool?
            var user: User?
            var audiences: [String]?
            var error: String?
        }

        struct User: Decodable {
            var username: String?
            var groups: [String]?
        }

        var status: Status?
    }
}
