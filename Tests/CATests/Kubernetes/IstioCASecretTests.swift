import Foundation
import KubernetesStandIn
import Testing
import X509
@testable import CA
import Discovery

/// The root kept in `istio-system/istio-ca-secret`, against the stand-in API server.
@Suite("CA root in the istio-ca-secret Secret", .timeLimit(.minutes(2)))
struct IstioCASecretTests {
    private static let lifetime: Duration = .seconds(10 * 365 * 86400)

    private func loadOrCreate(_ cluster: StandInCluster) async throws -> (SigningAuthority, IstioCASecret) {
        try await cluster.secretStore.loadOrCreate(
            keyType: .ec, trustDomain: "cluster.local", rootLifetime: Self.lifetime, now: Date(), logger: quietLogger)
    }

    @Test func firstStartCreatesTheSecretAndTheNextLoadsTheSameRoot() async throws {
        try await StandInCluster.with { cluster in
            let (first, _) = try await loadOrCreate(cluster)
            let data = try #require(cluster.secretData())
            // Istio's layout: the CA's pair, and the three keys Istio leaves empty.
            #expect(Set(data.keys) == ["ca-cert.pem", "ca-key.pem", "cert-chain.pem", "key.pem", "root-cert.pem"])
            #expect(data["cert-chain.pem"] == "" && data["key.pem"] == "" && data["root-cert.pem"] == "")
            #expect(data["ca-cert.pem"] == (try first.certificate.serializeAsPEM().pemString + "\n"))
            let stored = try #require(cluster.server.object(.secrets, namespace: "istio-system", name: "istio-ca-secret"))
            #expect(stored["type"] as? String == "istio.io/ca-root")
            #expect(cluster.server.requests(method: "POST", pathPrefix: "/api/v1/namespaces/istio-system/secrets").count == 1)

            // A second CA (another replica, or a restart) loads the very same root.
            let (second, secret) = try await loadOrCreate(cluster)
            #expect(try second.certificate.serializeAsDER() == first.certificate.serializeAsDER())
            #expect(second.privateKey.publicKey == first.privateKey.publicKey)
            #expect(secret.resourceVersion != nil)
            #expect(cluster.server.requests(method: "POST", pathPrefix: "/api/v1/namespaces/istio-system/secrets").count == 1)
        }
    }

    @Test func losingTheRaceToCreateUsesTheWinnersRoot() async throws {
        try await StandInCluster.with { cluster in
            // Another replica creates the Secret; our read misses it (it came just after).
            let (winner, _) = try await loadOrCreate(cluster)
            cluster.server.failOnce(
                "GET", cluster.secretStore.path, code: 404, reason: "NotFound")
            let (ours, _) = try await loadOrCreate(cluster)
            #expect(ours.certificate == winner.certificate)
            let posts = cluster.server.requests(method: "POST", pathPrefix: "/api/v1/namespaces/istio-system/secrets")
            #expect(posts.count == 2, "the second create met 409 AlreadyExists")
            #expect(cluster.server.requests(method: "GET", pathPrefix: cluster.secretStore.path).count == 3)
        }
    }

    @Test func aKeyThatDoesNotMatchItsCertificateIsAClearError() async throws {
        try await StandInCluster.with { cluster in
            let one = try SigningAuthority.selfSigned()
            let other = try SigningAuthority.selfSigned()
            var secret = try IstioCASecret(authority: one, namespace: "istio-system")
            secret.caKeyPEM = try other.privateKey.serializeAsPEM().pemString
            cluster.server.apply(.secrets, StandInAPIServer.parse(secret.json()))
            do throws(KubernetesCAError) {
                _ = try await cluster.secretStore.loadOrCreate(
                    keyType: .ec, trustDomain: "cluster.local", rootLifetime: Self.lifetime, now: Date(),
                    logger: quietLogger)
                Issue.record("a mismatched key was accepted")
            } catch {
                #expect(!error.isTransient)
                #expect(error.problem == "Secret istio-system/istio-ca-secret: ca-key.pem does not match ca-cert.pem")
            }
        }
    }

    @Test func anUnreachableOrRefusingServerIsRetriedThenLoaded() async throws {
        try await StandInCluster.with { cluster in
            cluster.server.failOnce("GET", cluster.secretStore.path, code: 503, reason: "ServiceUnavailable")
            cluster.server.failOnce("GET", cluster.secretStore.path, code: 401, reason: "Unauthorized")
            let (authority, _) = try await cluster.secretStore.loadOrCreateRetrying(
                keyType: .ec, trustDomain: "cluster.local", rootLifetime: Self.lifetime,
                backoff: KubernetesBackoff(initial: .milliseconds(10), maximum: .milliseconds(20)), logger: quietLogger)
            #expect(cluster.secretData()?["ca-cert.pem"] == (try authority.certificate.serializeAsPEM().pemString + "\n"))
        }
    }

    @Test func rotationRewritesTheSecretEvenAfterAConflictingEdit() async throws {
        try await StandInCluster.with { cluster in
            let (authority, secret) = try await loadOrCreate(cluster)
            let ca = LocalCertificateAuthority(authority)
            let sync = IstioCASecretSync(
                store: cluster.secretStore, secret: secret,
                backoff: KubernetesBackoff(initial: .milliseconds(10), maximum: .milliseconds(20)), logger: quietLogger)
            // Someone edits the Secret (a label), so the resourceVersion the CA holds is stale.
            var edited = try #require(cluster.server.object(.secrets, namespace: "istio-system", name: "istio-ca-secret"))
            var metadata = edited["metadata"] as? [String: Any] ?? [:]
            metadata["labels"] = ["edited": "yes"]
            edited["metadata"] = metadata
            cluster.server.apply(.secrets, edited)

            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await sync.run(ca: ca) }
                defer { group.cancelAll() }
                let rotator = RootRotator(
                    policy: RootRotationPolicy(), store: sync, trustDomain: "cluster.local", rootLifetime: Self.lifetime)
                let later = Date().addingTimeInterval(9 * 365 * 86400)
                #expect(try rotator.check(ca, now: later))
                let rotated = ca.current
                #expect(rotated.certificate != authority.certificate)
                let expected = try rotated.certificate.serializeAsPEM().pemString + "\n"
                try await eventually("the rotated root in the Secret") {
                    sync.isWritten && cluster.secretData()?["ca-cert.pem"] == expected
                }
                let data = try #require(cluster.secretData())
                // The bundle keeps both roots through the overlap, so a restart does too.
                #expect(data["root-cert.pem"] == (try CADirectory.pem([rotated.certificate, authority.certificate])))
                let puts = cluster.server.requests(method: "PUT", pathPrefix: cluster.secretStore.path)
                #expect(puts.count == 2, "the first PUT met 409 Conflict and was made again")

                // A restart loads the rotated root and both roots of the bundle.
                let (reloaded, _) = try await loadOrCreate(cluster)
                #expect(reloaded.certificate == rotated.certificate)
                #expect(reloaded.trustBundle == [rotated.certificate, authority.certificate])
            }
        }
    }
}

extension SigningAuthority {
    /// A fresh self-signed P-256 authority.
    static func selfSigned(now: Date = Date()) throws -> SigningAuthority {
        let key = try CAKeyType.ec.generate()
        let root = try RootCertificate.make(key: key, trustDomain: "cluster.local", now: now, lifetime: .seconds(86400))
        return SigningAuthority(certificate: root, privateKey: key, root: root)
    }
}
