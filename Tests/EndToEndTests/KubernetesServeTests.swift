import Discovery
import Foundation
import KubernetesStandIn
import Testing

/// `controld serve --kubeconfig` against the stand-in API server: the real binary
/// lists and watches over HTTP, and what it holds shows in `/ready` and `/debug/configz`.
@Suite("controld serve --kubeconfig", .timeLimit(.minutes(3)))
struct KubernetesServeTests {
    /// Every kind serve reads; the Gateway API is left uninstalled, as on many clusters.
    private static let installed = KubernetesResourceType.defaultKinds.filter {
        $0.group != "gateway.networking.k8s.io"
    }
    private static let uninstalled = KubernetesResourceType.defaultKinds.filter {
        $0.group == "gateway.networking.k8s.io"
    }

    private static func object(
        _ type: KubernetesResourceType, _ namespace: String?, _ name: String, labels: [String: String] = [:],
        spec: [String: Any]
    ) -> [String: Any] {
        var metadata: [String: Any] = [
            "name": name, "uid": UUID().uuidString.lowercased(), "creationTimestamp": "2025-03-14T09:26:53Z",
            "labels": labels,
        ]
        if let namespace { metadata["namespace"] = namespace }
        return ["apiVersion": type.apiVersion, "kind": type.kind, "metadata": metadata, "spec": spec]
    }

    private static func service(_ name: String, port: Int) -> [String: Any] {
        object(
            .services, "bookinfo", name, labels: ["app": name],
            spec: [
                "clusterIP": "10.96.118.41", "type": "ClusterIP", "selector": ["app": name],
                "ports": [["name": "http", "port": port, "protocol": "TCP", "targetPort": port]],
            ])
    }

    private static func kubeconfig(server: String, in directory: URL) throws -> String {
        let path = directory.appendingPathComponent("kubeconfig").path
        try """
        apiVersion: v1
        kind: Config
        current-context: stand-in
        clusters:
        - name: stand-in
          cluster: {server: "\(server)"}
        contexts:
        - name: stand-in
          context: {cluster: stand-in, user: controld}
        users:
        - name: controld
          user: {token: controld-token}
        """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// configz's objects as `Kind ns/name` → the entry.
    private static func configz(_ base: String) async throws -> [String: [String: Any]] {
        let reply = try await HTTP.get("\(base)/debug/configz")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(reply.body.utf8)) as? [String: Any])
        var entries: [String: [String: Any]] = [:]
        for entry in json["objects"] as? [[String: Any]] ?? [] {
            let key = entry["key"] as? [String: Any] ?? [:]
            let namespace = key["namespace"] as? String ?? ""
            let name = key["name"] as? String ?? ""
            entries["\(key["kind"] ?? "") \(namespace.isEmpty ? name : "\(namespace)/\(name)")"] = entry
        }
        return entries
    }

    private static func waitForConfigz(
        _ base: String, _ what: String, _ condition: ([String: [String: Any]]) -> Bool
    ) async throws -> [String: [String: Any]] {
        let deadline = ContinuousClock.now + .seconds(30)
        var last: [String: [String: Any]] = [:]
        while ContinuousClock.now < deadline {
            last = try await configz(base)
            if condition(last) { return last }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw WaitTimeout(what: "configz: \(what) (have \(last.keys.sorted()))", stderr: "")
    }

    @Test("/ready waits for every list; configz follows ADDED, MODIFIED and DELETED")
    func listWatchReadyAndConfigz() async throws {
        let server = StandInAPIServer(Self.installed, notInstalled: Self.uninstalled)
        server.apply(.namespaces, Self.object(.namespaces, nil, "bookinfo", labels: ["istio-injection": "enabled"], spec: [:]))
        server.apply(.services, Self.service("reviews", port: 9080))
        server.apply(
            .virtualServices,
            Self.object(
                .virtualServices, "bookinfo", "reviews",
                spec: ["hosts": ["reviews"], "http": [["route": [["destination": ["host": "reviews"]]]]]]))
        // A certificate a Gateway may name is read; a service-account token never is.
        for (name, type) in [("reviews-cert", "kubernetes.io/tls"), ("default-token", "kubernetes.io/service-account-token")] {
            var secret = Self.object(.secrets, "bookinfo", name, spec: [:])
            secret["spec"] = nil
            secret["type"] = type
            secret["data"] = ["tls.crt": Data("certificate".utf8).base64EncodedString()]
            server.apply(.secrets, secret)
        }
        // Nothing is accepted at first, so the lists fail and readiness must wait.
        server.accept(tokens: [])

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            defer {
                server.closeAllWatches()
                group.cancelAll()
            }
            let url = try await server.baseURL()
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("controld-kube-\(UUID())")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let kubeconfig = try Self.kubeconfig(server: url, in: directory)

            let controld = try ControldProcess([
                "serve", "--kubeconfig", kubeconfig, "--monitoring-addr", "127.0.0.1:0", "--grpc-addr", "127.0.0.1:0",
                "--secure-grpc-addr", "127.0.0.1:0", "--ca-dir", directory.appendingPathComponent("ca").path,
                "--log-format", "json",
            ])
            let base = "http://\(try await controld.waitForMonitoringAddress())"
            let waiting = try await HTTP.get("\(base)/ready")
            #expect(waiting.status == 503)
            #expect(waiting.body == "not ready: waiting for kubernetes \(url)\n")

            server.accept(tokens: ["controld-token"])
            _ = try await HTTP.waitForStatus(200, at: "\(base)/ready", within: .seconds(60))
            // Every installed kind was listed with the kubeconfig's token.
            for type in Self.installed {
                #expect(!server.requests(for: type, watch: false).isEmpty, "\(type) was listed")
            }
            #expect(server.requests.filter { $0.authorization != nil }.allSatisfy { $0.authorization == "Bearer controld-token" })

            var objects = try await Self.configz(base)
            let reviews = try #require(objects["Service bookinfo/reviews"])
            #expect(reviews["status"] as? String == "valid")
            #expect(reviews["location"] as? String == url)
            #expect(objects["VirtualService bookinfo/reviews"]?["status"] as? String == "valid")
            #expect(objects["Namespace bookinfo"] != nil)
            #expect(objects["Secret bookinfo/reviews-cert"] != nil)
            #expect(objects["Secret bookinfo/default-token"] == nil)

            // ADDED
            try await eventuallyWatching(server, .services)
            let ratings = server.apply(.services, Self.service("ratings", port: 9080))
            objects = try await Self.waitForConfigz(base, "ratings added") { $0["Service bookinfo/ratings"] != nil }
            #expect(objects["Service bookinfo/ratings"]?["resourceVersion"] as? String == String(ratings))
            // MODIFIED
            let modified = server.apply(.services, Self.service("reviews", port: 9081))
            objects = try await Self.waitForConfigz(base, "reviews modified") {
                $0["Service bookinfo/reviews"]?["resourceVersion"] as? String == String(modified)
            }
            // DELETED
            server.delete(.services, namespace: "bookinfo", name: "ratings")
            objects = try await Self.waitForConfigz(base, "ratings deleted") { $0["Service bookinfo/ratings"] == nil }
            #expect(objects["Service bookinfo/reviews"] != nil)

            controld.process.terminate()
            #expect(try await controld.waitForExit(within: ServeTests.shutdownLimit) == 0)
        }
    }

    @Test("MeshConfig discoverySelectors: only selected namespaces' objects are read")
    func discoverySelectors() async throws {
        let server = StandInAPIServer(Self.installed, notInstalled: Self.uninstalled)
        server.apply(.namespaces, Self.object(.namespaces, nil, "bookinfo", labels: ["istio-discovery": "enabled"], spec: [:]))
        server.apply(.namespaces, Self.object(.namespaces, nil, "other", spec: [:]))
        server.apply(.services, Self.service("reviews", port: 9080))
        var elsewhere = Self.service("db", port: 5432)
        var metadata = elsewhere["metadata"] as! [String: Any]
        metadata["namespace"] = "other"
        elsewhere["metadata"] = metadata
        server.apply(.services, elsewhere)

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            defer {
                server.closeAllWatches()
                group.cancelAll()
            }
            let url = try await server.baseURL()
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("controld-kube-\(UUID())")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let kubeconfig = try Self.kubeconfig(server: url, in: directory)
            let mesh = directory.appendingPathComponent("mesh.yaml").path
            try """
            discoverySelectors:
            - matchExpressions:
              - {key: istio-discovery, operator: In, values: [enabled]}
            """.write(toFile: mesh, atomically: true, encoding: .utf8)

            let controld = try ControldProcess([
                "serve", "--kubeconfig", kubeconfig, "--mesh-config", mesh, "--monitoring-addr", "127.0.0.1:0",
                "--grpc-addr", "127.0.0.1:0", "--secure-grpc-addr", "127.0.0.1:0",
                "--ca-dir", directory.appendingPathComponent("ca").path, "--log-format", "json",
            ])
            let base = "http://\(try await controld.waitForMonitoringAddress())"
            _ = try await HTTP.waitForStatus(200, at: "\(base)/ready", within: .seconds(60))
            let objects = try await Self.configz(base)
            #expect(objects["Service bookinfo/reviews"] != nil)
            #expect(objects["Namespace bookinfo"] != nil)
            #expect(objects["Service other/db"] == nil)
            #expect(objects["Namespace other"] == nil)

            controld.process.terminate()
            #expect(try await controld.waitForExit(within: ServeTests.shutdownLimit) == 0)
        }
    }

    @Test("a kubeconfig with an exec plugin exits 2 with one line naming --kubeconfig")
    func execPlugin() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("controld-kube-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("kubeconfig").path
        try """
        apiVersion: v1
        kind: Config
        current-context: eks
        clusters:
        - {name: eks, cluster: {server: "https://example.eks.amazonaws.com"}}
        contexts:
        - {name: eks, context: {cluster: eks, user: aws}}
        users:
        - name: aws
          user:
            exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: aws, args: [eks, get-token]}
        """.write(toFile: path, atomically: true, encoding: .utf8)
        let controld = try ControldProcess([
            "serve", "--kubeconfig", path, "--monitoring-addr", "127.0.0.1:0", "--grpc-addr", "127.0.0.1:0",
            "--secure-grpc-addr", "127.0.0.1:0",
        ])
        #expect(try await controld.waitForExit(within: .seconds(60)) == 2)
        #expect(controld.standardErrorLines == [
            "controld: --kubeconfig \(path): user \"aws\" uses an exec plugin, which controld does not support; use a token or client certificate"
        ])
    }

    private func eventuallyWatching(_ server: StandInAPIServer, _ type: KubernetesResourceType) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while server.openWatchCount(type) == 0 {
            guard ContinuousClock.now < deadline else { throw WaitTimeout(what: "a watch on \(type)", stderr: "") }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}
