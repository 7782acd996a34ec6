import Discovery
import Foundation
import KubernetesStandIn
import Testing
@testable import CA

/// The ConfigMap `istio-ca-root-cert` in every namespace, kept equal to the trust
/// bundle, against the stand-in API server.
@Suite("Trust bundle ConfigMaps", .timeLimit(.minutes(2)))
struct TrustBundleDistributorTests {
    /// Runs a distributor of `bundle` (then of what `updates` yields) alongside `body`.
    private func distributing(
        _ cluster: StandInCluster, bundle: String, updates: AsyncStream<String>? = nil,
        selectors: [KubernetesLabelSelector] = [], _ body: () async throws -> Void
    ) async throws {
        let distributor = TrustBundleDistributor(
            connection: cluster.connection, client: cluster.client,
            namespaceSelector: selectors.isEmpty ? nil : KubernetesNamespaceSelector(selectors),
            retryDelay: .milliseconds(50), logger: quietLogger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await distributor.run(bundle: bundle, updates: updates) }
            defer { group.cancelAll() }
            try await body()
        }
    }

    @Test func everyNamespaceGetsItIncludingOnesCreatedLater() async throws {
        let namespaces: [String: [String: String]] = [
            "istio-system": [:], "default": [:], "bookinfo": [:], "kube-system": [:], "kube-public": [:],
            "kube-node-lease": [:],
        ]
        try await StandInCluster.with(namespaces: namespaces) { cluster in
            let bundle = try CADirectory.pem([try SigningAuthority.selfSigned().certificate])
            try await distributing(cluster, bundle: bundle) {
                try await eventually("a ConfigMap in every served namespace") {
                    cluster.trustBundles().count == 4
                }
                #expect(cluster.trustBundles() == [
                    "istio-system": bundle, "default": bundle, "bookinfo": bundle, "kube-system": bundle,
                ])
                let configMap = try #require(
                    cluster.server.object(.configMaps, namespace: "bookinfo", name: "istio-ca-root-cert"))
                #expect((configMap["metadata"] as? [String: Any])?["labels"] as? [String: String] == ["istio.io/config": "true"])
                // Only that ConfigMap's name is read, not every ConfigMap in the cluster.
                let reads = cluster.server.requests(for: .configMaps, watch: false)
                #expect(reads.allSatisfy { $0.query["fieldSelector"] == "metadata.name=istio-ca-root-cert" })

                cluster.server.apply(.namespaces, StandInCluster.namespace("reviews"))
                try await eventually("a ConfigMap in the new namespace") { cluster.trustBundles()["reviews"] == bundle }

                // A namespace being deleted gets none.
                var terminating = StandInCluster.namespace("leaving")
                terminating["status"] = ["phase": "Terminating"]
                cluster.server.apply(.namespaces, terminating)
                cluster.server.apply(.namespaces, StandInCluster.namespace("after-leaving"))
                try await eventually("a ConfigMap in the namespace after") { cluster.trustBundles()["after-leaving"] == bundle }
                #expect(cluster.trustBundles()["leaving"] == nil)
            }
        }
    }

    @Test func aDeletedOrEditedConfigMapComesBack() async throws {
        try await StandInCluster.with(namespaces: ["default": [:]]) { cluster in
            let bundle = try CADirectory.pem([try SigningAuthority.selfSigned().certificate])
            try await distributing(cluster, bundle: bundle) {
                try await eventually("the first ConfigMap") { cluster.trustBundles()["default"] == bundle }

                cluster.server.delete(.configMaps, namespace: "default", name: "istio-ca-root-cert")
                try await eventually("the ConfigMap created again") { cluster.trustBundles()["default"] == bundle }

                // An edit of the bundle is undone; other data someone added stays.
                var edited = try #require(cluster.server.object(.configMaps, namespace: "default", name: "istio-ca-root-cert"))
                edited["data"] = ["root-cert.pem": "tampered", "extra": "kept"]
                cluster.server.apply(.configMaps, edited)
                try await eventually("the bundle restored") { cluster.trustBundles()["default"] == bundle }
                let restored = try #require(cluster.server.object(.configMaps, namespace: "default", name: "istio-ca-root-cert"))
                #expect((restored["data"] as? [String: String])?["extra"] == "kept")
            }
        }
    }

    @Test func aRotationChangesEveryConfigMap() async throws {
        try await StandInCluster.with(namespaces: ["istio-system": [:], "default": [:]]) { cluster in
            let (authority, secret) = try await cluster.secretStore.loadOrCreate(
                keyType: .ec, trustDomain: "cluster.local", rootLifetime: .seconds(86400 * 365), now: Date(),
                logger: quietLogger)
            let ca = LocalCertificateAuthority(authority)
            let sync = IstioCASecretSync(store: cluster.secretStore, secret: secret, logger: quietLogger)
            let before = ca.trustBundlePEM
            try await distributing(cluster, bundle: before, updates: sync.bundles) {
                try await eventually("the first bundle") { Set(cluster.trustBundles().values) == [before] }
                let rotator = RootRotator(
                    policy: RootRotationPolicy(), store: sync, trustDomain: "cluster.local",
                    rootLifetime: .seconds(86400 * 365))
                #expect(try rotator.check(ca, now: Date().addingTimeInterval(300 * 86400)))
                let after = ca.trustBundlePEM
                #expect(after == (try CADirectory.pem([ca.current.certificate, authority.certificate])))
                try await eventually("both roots in every namespace") {
                    cluster.trustBundles() == ["istio-system": after, "default": after]
                }
            }
        }
    }

    @Test func discoverySelectorsLimitTheNamespaces() async throws {
        let namespaces: [String: [String: String]] = ["istio-system": ["mesh": "on"], "default": ["mesh": "on"], "other": [:]]
        try await StandInCluster.with(namespaces: namespaces) { cluster in
            let bundle = try CADirectory.pem([try SigningAuthority.selfSigned().certificate])
            try await distributing(cluster, bundle: bundle, selectors: [KubernetesLabelSelector(matchLabels: ["mesh": "on"])]) {
                try await eventually("ConfigMaps in the selected namespaces") { cluster.trustBundles().count == 2 }
                #expect(cluster.trustBundles()["other"] == nil)
                // A namespace that starts matching gets one.
                cluster.server.apply(.namespaces, StandInCluster.namespace("other", labels: ["mesh": "on"]))
                try await eventually("a ConfigMap once other is selected") { cluster.trustBundles()["other"] == bundle }
            }
        }
    }
}
