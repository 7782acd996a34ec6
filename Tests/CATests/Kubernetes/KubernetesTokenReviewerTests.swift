import Discovery
import Foundation
import KubernetesStandIn
import MetricsTestKit
import Testing
import X509
@testable import CA

/// Tokens checked with the API server's TokenReview, through the CA's request path, so
/// each outcome shows as a chain or a rejection and in Istio's counters.
@Suite("TokenReview authentication", .timeLimit(.minutes(2)))
struct KubernetesTokenReviewerTests {
    private struct Outcome {
        var chain: [String]?
        var rejection: CARejection?
        var metrics: TestMetrics

        func counter(_ name: String) -> Int64 { (try? metrics.expectCounter(name).totalValue) ?? 0 }
    }

    /// A request for `identity`'s certificate presenting `token`, judged by `reviewer`.
    private func request(
        token: String, for identity: WorkloadIdentity, reviewer: KubernetesTokenReviewer
    ) async throws -> Outcome {
        let ca = LocalCertificateAuthority(try SigningAuthority.selfSigned())
        let metrics = TestMetrics()
        let handler = CertificateRequestHandler(
            ca: ca,
            authenticator: CallerAuthenticator(trustDomain: "cluster.local", tokenReviewer: reviewer, ca: ca),
            lifetime: WorkloadCertificateLifetime(), metrics: CAMetrics(factory: metrics))
        let csr = try WorkloadCSR.pem(identity: identity, key: try WorkloadKey.generate(.ecdsa))
        do {
            let chain = try await handler.handle(
                csrPEM: csr, requestedSeconds: 0, credentials: CallerCredentials(bearerToken: token))
            return Outcome(chain: chain, metrics: metrics)
        } catch {
            return Outcome(rejection: error, metrics: metrics)
        }
    }

    private static let sleep = WorkloadIdentity(trustDomain: "cluster.local", namespace: "default", serviceAccount: "sleep")

    @Test func anAuthenticatedServiceAccountTokenIsAccepted() async throws {
        try await StandInCluster.with { cluster in
            cluster.server.review(token: "sleep-token", as: .serviceAccount(namespace: "default", name: "sleep"))
            let outcome = try await request(
                token: "sleep-token", for: Self.sleep, reviewer: KubernetesTokenReviewer(client: cluster.client))
            let chain = try #require(outcome.chain, "\(String(describing: outcome.rejection))")
            let leaf = try Certificate(pemEncoded: chain[0])
            #expect(SPIFFEID.only(in: leaf)?.uri == "spiffe://cluster.local/ns/default/sa/sleep")
            #expect(outcome.counter("citadel_server_success_cert_issuance_count") == 1)
            #expect(outcome.counter("citadel_server_authentication_failure_count") == 0)
            // One review, posted with controld's own credentials.
            let reviews = cluster.server.requests(method: "POST", pathPrefix: "/apis/authentication.k8s.io/v1/tokenreviews")
            #expect(reviews.count == 1)
            #expect(reviews.first?.authorization == "Bearer controld-token")
        }
    }

    @Test(arguments: [
        ("an unknown token", "nobody-token", "token lookup failed"),
        ("a token for another audience", "vault-token", "is invalid for the target audiences [\"istio-ca\"]"),
    ])
    func aTokenTheServerDoesNotAuthenticateIsRefused(_ what: String, _ token: String, _ reason: String) async throws {
        try await StandInCluster.with { cluster in
            cluster.server.review(token: "vault-token", as: .serviceAccount(namespace: "default", name: "sleep", audiences: ["vault"]))
            let outcome = try await request(
                token: token, for: Self.sleep, reviewer: KubernetesTokenReviewer(client: cluster.client))
            let rejection = try #require(outcome.rejection, "\(what) was accepted")
            #expect(rejection.reason == .unauthenticated)
            #expect(rejection.message.contains("the API server did not authenticate it"), "\(rejection.message)")
            #expect(rejection.message.contains(reason), "\(rejection.message)")
            #expect(outcome.counter("citadel_server_authentication_failure_count") == 1)
            #expect(outcome.counter("citadel_server_success_cert_issuance_count") == 0)
        }
    }

    @Test func anAuthenticationForOtherAudiencesIsRefused() async throws {
        try await StandInCluster.with { cluster in
            // A server that ignores spec.audiences authenticates the token for its own audience.
            cluster.server.checkTokenAudiences(false)
            cluster.server.review(token: "vault-token", as: .serviceAccount(namespace: "default", name: "sleep", audiences: ["vault"]))
            let outcome = try await request(
                token: "vault-token", for: Self.sleep, reviewer: KubernetesTokenReviewer(client: cluster.client))
            let rejection = try #require(outcome.rejection)
            #expect(rejection.reason == .unauthenticated)
            #expect(rejection.message.contains("authenticated for audiences [\"vault\"], not [\"istio-ca\"]"), "\(rejection.message)")
            #expect(outcome.counter("citadel_server_authentication_failure_count") == 1)
        }
    }

    @Test func aUserThatIsNotAServiceAccountIsRefused() async throws {
        try await StandInCluster.with { cluster in
            cluster.server.review(
                token: "admin-token",
                as: .init(username: "kubernetes-admin", groups: ["system:masters", "system:authenticated"], audiences: ["istio-ca"]))
            let outcome = try await request(
                token: "admin-token", for: Self.sleep, reviewer: KubernetesTokenReviewer(client: cluster.client))
            #expect(outcome.rejection?.message.contains("\"kubernetes-admin\" is not a service account") == true)
            #expect(outcome.counter("citadel_server_authentication_failure_count") == 1)
        }
    }

    @Test func aServiceAccountAskingForAnotherIdentityIsDenied() async throws {
        try await StandInCluster.with { cluster in
            cluster.server.review(token: "sleep-token", as: .serviceAccount(namespace: "default", name: "sleep"))
            let other = WorkloadIdentity(trustDomain: "cluster.local", namespace: "prod", serviceAccount: "payments")
            let outcome = try await request(
                token: "sleep-token", for: other, reviewer: KubernetesTokenReviewer(client: cluster.client))
            #expect(outcome.rejection?.reason == .identityNotAllowed)
            #expect(outcome.counter("citadel_server_id_extraction_err_count") == 1)
        }
    }

    @Test func theServerRefusingTheReviewIsAnAuthenticationFailure() async throws {
        try await StandInCluster.with { cluster in
            // controld's service account may lack the RBAC to create TokenReviews.
            cluster.server.failOnce(
                "POST", KubernetesResourceType.tokenReviews.collectionPath, code: 403, reason: "Forbidden")
            let outcome = try await request(
                token: "sleep-token", for: Self.sleep, reviewer: KubernetesTokenReviewer(client: cluster.client))
            #expect(outcome.rejection?.reason == .unauthenticated)
            #expect(outcome.rejection?.message.contains("TokenReview failed") == true, "\(String(describing: outcome.rejection))")
            #expect(outcome.rejection?.message.contains("403 Forbidden") == true)
            #expect(outcome.counter("citadel_server_authentication_failure_count") == 1)
        }
    }

    @Test func anUnreachableAPIServerIsARejectionNotACrash() async throws {
        // Port 1 (tcpmux) is privileged and unused: connecting is refused at once.
        let port = 1
        let connection = KubernetesConnection(server: "http://127.0.0.1:\(port)", origin: "test")
        let client = try KubernetesObjectClient(connection: connection, timeout: .seconds(1))
        let outcome = try await request(token: "sleep-token", for: Self.sleep, reviewer: KubernetesTokenReviewer(client: client))
        await client.shutdown()
        let rejection = try #require(outcome.rejection)
        #expect(rejection.reason == .unauthenticated)
        #expect(rejection.message.contains("TokenReview unavailable: cannot reach the API server http://127.0.0.1:\(port)"))
        #expect(outcome.counter("citadel_server_authentication_failure_count") == 1)
        #expect(outcome.counter("citadel_server_success_cert_issuance_count") == 0)
    }
}
