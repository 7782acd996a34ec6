import CA
import Discovery
import Foundation
import KubernetesStandIn
import Logging
import Testing

/// A stand-in API server running for the length of one test, with a client for it.
struct StandInCluster {
    let server: StandInAPIServer
    let connection: KubernetesConnection
    let client: KubernetesObjectClient

    static let namespace = "istio-system"

    /// The kinds the CA reads and writes.
    static let kinds: [KubernetesResourceType] = [.namespaces, .configMaps, .secrets]

    /// Runs `body` against a fresh stand-in holding `namespaces`.
    static func with(
        namespaces: [String: [String: String]] = [namespace: [:]],
        _ body: (StandInCluster) async throws -> Void
    ) async throws {
        let server = StandInAPIServer(kinds)
        for (name, labels) in namespaces { server.apply(.namespaces, Self.namespace(name, labels: labels)) }
        try await server.serving { url in
            let connection = KubernetesConnection(server: url, bearerToken: .token("controld-token"), origin: "test")
            let client = try KubernetesObjectClient(connection: connection, timeout: .seconds(10))
            do {
                try await body(StandInCluster(server: server, connection: connection, client: client))
            } catch {
                await client.shutdown()
                throw error
            }
            await client.shutdown()
        }
    }

    static func namespace(_ name: String, labels: [String: String] = [:]) -> [String: Any] {
        ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": name, "labels": labels], "status": ["phase": "Active"]]
    }

    var secretStore: IstioCASecretStore { IstioCASecretStore(client: client, namespace: Self.namespace) }

    /// The Secret's data, decoded, or nil when there is none.
    func secretData() -> [String: String]? {
        guard let secret = server.object(.secrets, namespace: Self.namespace, name: IstioCASecret.name) else { return nil }
        let data = secret["data"] as? [String: String] ?? [:]
        return data.mapValues { String(decoding: Data(base64Encoded: $0) ?? Data(), as: UTF8.self) }
    }

    /// The trust-bundle ConfigMap's `root-cert.pem` in each namespace that has one.
    func trustBundles() -> [String: String] {
        var bundles: [String: String] = [:]
        for (key, object) in server.objects(.configMaps) where key.hasSuffix("/\(TrustBundleLedger.configMapName)") {
            let namespace = String(key.split(separator: "/")[0])
            bundles[namespace] = (object["data"] as? [String: String])?[TrustBundleLedger.dataKey]
        }
        return bundles
    }
}

/// A logger that stays quiet unless a test is debugged.
let quietLogger: Logger = {
    var logger = Logger(label: "ca-kubernetes-tests")
    logger.logLevel = .critical
    return logger
}()

/// Polls `condition` until it holds or `limit` passes; records `what` on timeout.
func eventually(
    _ what: String, within limit: Duration = .seconds(20), _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + limit
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(25))
    }
    Issue.record("timed out waiting for \(what)")
    throw CancellationError()
}
