public import Foundation

/// Checks service-account JWTs locally (file mode): the signature against a JWKS,
/// the issuer, the `istio-ca` audience, and the validity window with clock skew.
public struct LocalTokenVerifier: TokenReviewer {
    /// The audience a token must carry to be used with the CA, as in Istio.
    public static let audience = "istio-ca"
    /// How far `exp` and `nbf` may be off, for clocks that disagree.
    public static let clockSkew: TimeInterval = 60

    /// The verification keys.
    public var keys: JSONWebKeySet
    /// The required `iss`.
    public var issuer: String
    /// The time tokens are judged at.
    public var clock: @Sendable () -> Date

    public init(keys: JSONWebKeySet, issuer: String, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.keys = keys
        self.issuer = issuer
        self.clock = clock
    }

    public func review(token: String) async throws(CARejection) -> ServiceAccountName {
        try verify(token: token)
    }

    /// The synchronous check behind ``review(token:)``.
    public func verify(token: String) throws(CARejection) -> ServiceAccountName {
        func refuse(_ reason: String) -> CARejection { CARejection(.unauthenticated, "token: \(reason)") }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let headerData = Base64URL.decode(parts[0]),
            let payloadData = Base64URL.decode(parts[1]), let signature = Base64URL.decode(parts[2]),
            let header = try? JSONSerialization.jsonObject(with: headerData) as? [String: Any],
            let claims = try? JSONSerialization.jsonObject(with: payloadData) as? [String: Any]
        else { throw refuse("not a JWT (three base64url parts with JSON header and claims)") }

        let algorithm = header["alg"] as? String ?? "none"
        guard algorithm == "RS256" || algorithm == "ES256" else {
            throw refuse("algorithm \(algorithm) is not accepted (RS256 or ES256)")
        }
        let keyID = header["kid"] as? String
        let candidates = keys.keys.filter { $0.algorithm == algorithm && (keyID == nil || $0.id == keyID) }
        guard !candidates.isEmpty else {
            throw refuse(keyID.map { "no \(algorithm) key with kid \"\($0)\" in the JWKS" } ?? "no \(algorithm) key in the JWKS")
        }
        let signingInput = Data("\(parts[0]).\(parts[1])".utf8)
        guard candidates.contains(where: { $0.verifies(signature: signature, signingInput: signingInput) }) else {
            throw refuse("signature does not verify")
        }

        guard let tokenIssuer = claims["iss"] as? String, tokenIssuer == issuer else {
            throw refuse("issuer \"\(claims["iss"] as? String ?? "")\" is not \"\(issuer)\"")
        }
        let audiences = (claims["aud"] as? [String]) ?? ((claims["aud"] as? String).map { [$0] } ?? [])
        guard audiences.contains(Self.audience) else {
            throw refuse("audience \(audiences) does not include \"\(Self.audience)\"")
        }
        let now = clock().timeIntervalSince1970
        guard let expiry = (claims["exp"] as? NSNumber)?.doubleValue else { throw refuse("no exp claim") }
        guard now <= expiry + Self.clockSkew else {
            throw refuse("expired at \(Date(timeIntervalSince1970: expiry))")
        }
        if let notBefore = (claims["nbf"] as? NSNumber)?.doubleValue, now + Self.clockSkew < notBefore {
            throw refuse("not valid before \(Date(timeIntervalSince1970: notBefore))")
        }
        guard let subject = claims["sub"] as? String, let account = ServiceAccountName(subject: subject) else {
            throw refuse("subject \"\(claims["sub"] as? String ?? "")\" is not system:serviceaccount:NAMESPACE:NAME")
        }
        // Projected tokens also carry the pod's namespace and account here; a token
        // whose two statements disagree is not trusted for either.
        if let kubernetes = claims["kubernetes.io"] as? [String: Any] {
            let namespace = kubernetes["namespace"] as? String
            let name = (kubernetes["serviceaccount"] as? [String: Any])?["name"] as? String
            guard namespace == account.namespace, name == nil || name == account.name else {
                throw refuse("the kubernetes.io claim disagrees with the subject")
            }
        }
        return account
    }
}
