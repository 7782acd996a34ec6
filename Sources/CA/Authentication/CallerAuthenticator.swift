public import Foundation
public import X509

/// What a caller presented: a bearer token from the `authorization` header and, on
/// the TLS port, the certificate chain of its connection (leaf first).
public struct CallerCredentials: Sendable {
    /// The token after `Bearer `, if any.
    public var bearerToken: String?
    /// The client certificate chain from the TLS handshake, if any.
    public var peerCertificates: [Certificate]

    public init(bearerToken: String? = nil, peerCertificates: [Certificate] = []) {
        self.bearerToken = bearerToken
        self.peerCertificates = peerCertificates
    }

    /// The token in an `authorization` header value (`Bearer TOKEN`).
    public static func bearerToken(fromAuthorization value: String) -> String? {
        let prefix = "bearer "
        guard value.count > prefix.count, value.lowercased().hasPrefix(prefix) else { return nil }
        let token = value.dropFirst(prefix.count).trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }
}

/// Decides who a caller is, trying in Istio's order: a client certificate this CA
/// issued (renewals), then a service-account token. The first that passes wins;
/// when none does, every reason is reported.
public struct CallerAuthenticator: Sendable {
    /// The mesh's trust domain: identities are made in it, certificates must be of it.
    public var trustDomain: String
    /// Checks tokens; nil when token authentication is off (no `--jwks-file`).
    public var tokenReviewer: (any TokenReviewer)?
    /// The CA whose trust bundle client certificates must chain to.
    public var ca: any CertificateAuthority
    /// The time certificates are judged at.
    public var clock: @Sendable () -> Date

    public init(
        trustDomain: String, tokenReviewer: (any TokenReviewer)?, ca: any CertificateAuthority,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.trustDomain = trustDomain
        self.tokenReviewer = tokenReviewer
        self.ca = ca
        self.clock = clock
    }

    /// The caller's identity, or an ``CARejection/Reason/unauthenticated`` rejection.
    public func authenticate(_ credentials: CallerCredentials) async throws(CARejection) -> SPIFFEID {
        var reasons: [String] = []
        if let leaf = credentials.peerCertificates.first {
            do {
                return try await identity(of: leaf, presentedChain: Array(credentials.peerCertificates.dropFirst()))
            } catch {
                reasons.append(error.message)
            }
        }
        if let token = credentials.bearerToken {
            if let reviewer = tokenReviewer {
                do {
                    let account = try await reviewer.review(token: token)
                    return SPIFFEID(trustDomain: trustDomain, namespace: account.namespace, serviceAccount: account.name)
                } catch {
                    reasons.append(error.message)
                }
            } else {
                reasons.append("token: token authentication is off (controld was started without --jwks-file)")
            }
        }
        if reasons.isEmpty {
            reasons.append("no credentials: send authorization: Bearer <service-account token> or a client certificate")
        }
        throw CARejection(.unauthenticated, reasons.joined(separator: "; "))
    }

    private func identity(of leaf: Certificate, presentedChain: [Certificate]) async throws(CARejection) -> SPIFFEID {
        func refuse(_ reason: String) -> CARejection { CARejection(.unauthenticated, "client certificate: \(reason)") }
        let authority = ca.current
        do {
            _ = try await ChainCheck.verify(
                leaf, intermediates: authority.intermediates + presentedChain, roots: authority.trustBundle,
                at: clock(), workloadLeaf: true)
        } catch {
            throw refuse("not a valid certificate of this CA (\(error.problem))")
        }
        guard let identity = SPIFFEID.only(in: leaf) else { throw refuse("no single SPIFFE identity") }
        guard identity.trustDomain == trustDomain else {
            throw refuse("identity \(identity) is not in trust domain \(trustDomain)")
        }
        return identity
    }
}
