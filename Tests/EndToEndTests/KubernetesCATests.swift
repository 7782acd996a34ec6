import Discovery
import Foundation
import KubernetesStandIn
import Testing

/// `controld serve --kubeconfig` runs the CA as istiod does in a cluster: its root in
/// the Secret `istio-system/istio-ca-secret`, the trust bundle in every namespace's
/// `istio-ca-root-cert`, callers' tokens checked with TokenReview. The real agent gets
/// a certificate with a token the stand-in API server vouches for, and OpenSSL, knowing
/// only the root in the Secret, accepts the chain; a restart keeps the root.
@Suite("controld serve --kubeconfig: the CA in a cluster", .timeLimit(.minutes(3)))
struct KubernetesCATests {
    private static let namespaces = ["istio-system", "default", "bookinfo"]

    @Test func theSecretTheConfigMapsAndACertificateForAReviewedToken() async throws {
        let server = StandInAPIServer(KubernetesResourceType.defaultKinds)
        for name in Self.namespaces {
            server.apply(.namespaces, ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": name]])
        }
        server.review(token: "sleep-token", as: .serviceAccount(namespace: "default", name: "sleep"))
        let scratch = try ScratchDirectory("controld-kube-ca")
        let directory = scratch.url

        try await server.serving { url in
            let kubeconfig = try Self.kubeconfig(server: url, in: directory)

            let (first, address) = try await serve(kubeconfig: kubeconfig, in: directory)
            let secret = try await waitForSecret(server)
            let root = try #require(secret["ca-cert.pem"])
            #expect(root.contains("BEGIN CERTIFICATE"))
            #expect(secret["ca-key.pem"]?.contains("PRIVATE KEY") == true)
            try await waitFor("istio-ca-root-cert in every namespace") {
                Self.namespaces.allSatisfy { namespace in
                    let configMap = server.object(.configMaps, namespace: namespace, name: "istio-ca-root-cert")
                    return (configMap?["data"] as? [String: String])?["root-cert.pem"] == root
                }
            }
            let rootFile = directory.appendingPathComponent("root-cert.pem")
            try root.write(to: rootFile, atomically: true, encoding: .utf8)

            try await expectVerifiedCertificate(from: address, root: rootFile, in: directory, run: "first")
            #expect(!server.requests(method: "POST", pathPrefix: "/apis/authentication.k8s.io/v1/tokenreviews").isEmpty)

            first.process.terminate()
            #expect(try await first.waitForExit(within: ServeTests.shutdownLimit) == 0)

            // A restart loads the root from the Secret rather than making another.
            let (second, restartedAddress) = try await serve(kubeconfig: kubeconfig, in: directory)
            #expect(try await waitForSecret(server)["ca-cert.pem"] == root)
            #expect(server.requests(method: "POST", pathPrefix: "/api/v1/namespaces/istio-system/secrets").count == 1)
            try await expectVerifiedCertificate(from: restartedAddress, root: rootFile, in: directory, run: "second")
            second.process.terminate()
            #expect(try await second.waitForExit(within: ServeTests.shutdownLimit) == 0)
        }
    }

    @Test func aSecretWhoseKeyDoesNotMatchStopsControldWithOneLine() async throws {
        let server = StandInAPIServer([.namespaces, .configMaps])
        let scratch = try ScratchDirectory("controld-kube-ca-bad")
        let directory = scratch.url
        // A certificate, and a key that is not its own.
        let made = try await openssl(
            ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1",
             "-subj", "/O=cluster.local", "-keyout", "own.key", "-out", "ca.pem"], in: directory)
        #expect(made.status == 0, "\(made.output)")
        let other = try await openssl(
            ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "other.key"], in: directory)
        #expect(other.status == 0, "\(other.output)")
        func base64(_ file: String) throws -> String {
            try Data(contentsOf: directory.appendingPathComponent(file)).base64EncodedString()
        }
        server.apply(
            .secrets,
            [
                "apiVersion": "v1", "kind": "Secret", "type": "istio.io/ca-root",
                "metadata": ["name": "istio-ca-secret", "namespace": "istio-system"],
                "data": ["ca-cert.pem": try base64("ca.pem"), "ca-key.pem": try base64("other.key")],
            ])
        try await server.serving { url in
            let controld = try ControldProcess([
                "serve", "--kubeconfig", try Self.kubeconfig(server: url, in: directory), "--monitoring-addr",
                "127.0.0.1:0", "--grpc-addr", "127.0.0.1:0", "--secure-grpc-addr", "127.0.0.1:0", "--log-format", "json",
            ])
            #expect(try await controld.waitForExit(within: .seconds(60)) == 1)
            let lines = controld.standardErrorLines.filter { !$0.hasPrefix("{") }
            #expect(lines == ["controld: --kubeconfig \(url): Secret istio-system/istio-ca-secret: ca-key.pem does not match ca-cert.pem"])
            // Nothing was overwritten.
            #expect(server.requests(method: "PUT", pathPrefix: "/api/v1/namespaces/istio-system/secrets").isEmpty)
        }
    }

    private static func kubeconfig(server: String, in directory: URL) throws -> String {
        try StandInAPIServer.writeKubeconfig(server: server, token: "controld-token", in: directory)
    }

    /// Starts `controld serve` against the stand-in; returns it and its secure address.
    private func serve(kubeconfig: String, in directory: URL) async throws -> (ControldProcess, String) {
        let controld = try ControldProcess([
            "serve", "--kubeconfig", kubeconfig, "--monitoring-addr", "127.0.0.1:0", "--grpc-addr", "127.0.0.1:0",
            "--secure-grpc-addr", "127.0.0.1:0", "--ca-dir", directory.appendingPathComponent("no-cacerts").path,
            "--log-format", "json",
        ])
        let fields = try await controld.waitForLog("secure gRPC server listening", within: .seconds(60))
        // The transport describes itself as "[ipv4]127.0.0.1:PORT".
        let described = try #require(fields["address"] as? String)
        return (controld, described.split(separator: "]").last.map(String.init) ?? described)
    }

    /// The agent, with the token TokenReview accepts, obtains a certificate for
    /// default/sleep that `openssl verify` accepts with only the Secret's root.
    private func expectVerifiedCertificate(from address: String, root: URL, in directory: URL, run: String) async throws {
        let output = directory.appendingPathComponent("agent-\(run)")
        let token = directory.appendingPathComponent("token")
        try "sleep-token".write(to: token, atomically: true, encoding: .utf8)
        let agent = try ControldProcess([
            "agent", "--ca-addr", address, "--root-cert", root.path, "--token-file", token.path,
            "--namespace", "default", "--service-account", "sleep", "--output-dir", output.path,
            "--sds-socket", directory.appendingPathComponent("sds-\(run).sock").path, "--log-format", "json",
        ])
        let chainFile = output.appendingPathComponent("cert-chain.pem")
        try await waitFor("the agent's cert-chain.pem (\(run))") { FileManager.default.fileExists(atPath: chainFile.path) }
        agent.process.terminate()
        _ = try await agent.waitForExit(within: .seconds(5))

        let verify = try await openssl(
            ["verify", "-CAfile", root.path, "-untrusted", chainFile.path, chainFile.path], in: directory)
        #expect(verify.status == 0, "\(verify.output)")
        #expect(verify.output.contains(": OK"), "\(verify.output)")
        let text = try await openssl(["x509", "-noout", "-ext", "subjectAltName", "-in", chainFile.path], in: directory)
        #expect(text.output.contains("URI:spiffe://cluster.local/ns/default/sa/sleep"), "\(text.output)")
    }

    private func waitForSecret(_ server: StandInAPIServer) async throws -> [String: String] {
        var data: [String: String] = [:]
        try await waitFor("the Secret istio-system/istio-ca-secret") {
            guard let secret = server.object(.secrets, namespace: "istio-system", name: "istio-ca-secret") else {
                return false
            }
            #expect(secret["type"] as? String == "istio.io/ca-root")
            data = (secret["data"] as? [String: String] ?? [:]).mapValues {
                String(decoding: Data(base64Encoded: $0) ?? Data(), as: UTF8.self)
            }
            return true
        }
        return data
    }

    private func waitFor(_ what: String, within limit: Duration = .seconds(60), _ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + limit
        while !condition() {
            guard ContinuousClock.now < deadline else { throw WaitTimeout(what: what, stderr: "") }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Runs openssl without holding a thread of the shared pool: its output goes to a
    /// file and its exit is polled.
    private func openssl(_ arguments: [String], in directory: URL) async throws -> (status: Int32, output: String) {
        let result = try await CommandLineTool.run("openssl", arguments, in: directory)
        return (result.status, result.output + result.errors)
    }
}
