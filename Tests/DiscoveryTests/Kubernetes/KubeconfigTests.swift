import Foundation
import NIOSSL
import Testing

@testable import Discovery

@Suite("Kubernetes connection settings")
struct KubeconfigTests {
    /// A temporary directory holding a kubeconfig and the files it names.
    private struct Workspace {
        let directory: URL

        init() throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("kubeconfig-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        }

        @discardableResult
        func write(_ name: String, _ contents: String) throws -> String {
            let url = directory.appendingPathComponent(name)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try contents.write(to: url, atomically: true, encoding: .utf8)
            return url.path
        }

        func remove() { try? FileManager.default.removeItem(at: directory) }
    }

    private static func kubeconfig(cluster: String, user: String, currentContext: String? = "dev") -> String {
        """
        apiVersion: v1
        kind: Config
        \(currentContext.map { "current-context: \($0)" } ?? "")
        clusters:
        - name: kind-dev
          cluster:
        \(cluster.split(separator: "\n").map { "    \($0)" }.joined(separator: "\n"))
        contexts:
        - name: dev
          context:
            cluster: kind-dev
            user: dev-admin
            namespace: bookinfo
        - name: other
          context:
            cluster: missing-cluster
            user: dev-admin
        users:
        - name: dev-admin
          user:
        \(user.split(separator: "\n").map { "    \($0)" }.joined(separator: "\n"))
        """
    }

    private static func pem(_ name: String) throws -> String {
        String(decoding: try KubernetesFixture.data(name), as: UTF8.self)
    }

    private static func base64(_ name: String) throws -> String {
        try KubernetesFixture.data(name).base64EncodedString()
    }

    @Test func tokenAndCertificateAuthorityData() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let path = try workspace.write(
            "config",
            Self.kubeconfig(
                cluster: "server: https://127.0.0.1:6443\ncertificate-authority-data: \(try Self.base64("ca.pem"))",
                user: "token: abc.def.ghi"))
        let connection = try KubernetesConnection.kubeconfig(path: path)
        #expect(connection.server == "https://127.0.0.1:6443")
        #expect(connection.bearerToken == .token("abc.def.ghi"))
        #expect(connection.trust == .certificateAuthority(pem: try KubernetesFixture.data("ca.pem")))
        #expect(connection.namespace == "bookinfo")
        #expect(connection.origin == "kubeconfig \(path)")
        let tls = try #require(try connection.makeTLSConfiguration())
        guard case .certificates(let roots) = tls.trustRoots else {
            Issue.record("trust roots should be the CA bundle, not \(String(describing: tls.trustRoots))")
            return
        }
        #expect(roots.count == 1)
    }

    @Test func tokenFileRelativeToTheKubeconfigIsReadForEveryRequest() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try workspace.write("tokens/dev", "first\n")
        try workspace.write("ca.crt", try Self.pem("ca.pem"))
        let path = try workspace.write(
            "config",
            Self.kubeconfig(
                cluster: "server: https://k8s.example:6443\ncertificate-authority: ca.crt",
                user: "tokenFile: tokens/dev"))
        let connection = try KubernetesConnection.kubeconfig(path: path)
        let tokenPath = workspace.directory.appendingPathComponent("tokens/dev").path
        #expect(connection.bearerToken == .file(path: tokenPath))
        let source = KubernetesTokenSource(connection.bearerToken)
        #expect(try source.current() == "first")
        try workspace.write("tokens/dev", "second\n")
        #expect(try source.current() == "second")
        // Mid-rotation (file briefly absent) the last token read is still sent.
        try FileManager.default.removeItem(atPath: tokenPath)
        #expect(try source.current() == "second")
    }

    @Test func insecureSkipTLSVerify() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let path = try workspace.write(
            "config",
            Self.kubeconfig(cluster: "server: https://10.0.0.1\ninsecure-skip-tls-verify: true", user: "token: t"))
        let connection = try KubernetesConnection.kubeconfig(path: path)
        #expect(connection.trust == .insecureSkipVerify)
        let tls = try #require(try connection.makeTLSConfiguration())
        #expect(tls.certificateVerification == .none)
    }

    @Test func plainHTTPServerNeedsNoTLS() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let path = try workspace.write("config", Self.kubeconfig(cluster: "server: http://127.0.0.1:8001/", user: "{}"))
        let connection = try KubernetesConnection.kubeconfig(path: path)
        #expect(connection.server == "http://127.0.0.1:8001")
        #expect(connection.bearerToken == .none)
        #expect(try connection.makeTLSConfiguration() == nil)
    }

    @Test func clientCertificateFromDataAndFromFiles() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let cluster = "server: https://127.0.0.1:6443\ncertificate-authority-data: \(try Self.base64("ca.pem"))"
        let fromData = try workspace.write(
            "data-config",
            Self.kubeconfig(
                cluster: cluster,
                user:
                    "client-certificate-data: \(try Self.base64("client.pem"))\nclient-key-data: \(try Self.base64("client-key.pem"))"
            ))
        try workspace.write("pki/admin.crt", try Self.pem("client.pem"))
        try workspace.write("pki/admin.key", try Self.pem("client-key.pem"))
        let fromFiles = try workspace.write(
            "file-config",
            Self.kubeconfig(cluster: cluster, user: "client-certificate: pki/admin.crt\nclient-key: pki/admin.key"))
        for path in [fromData, fromFiles] {
            let connection = try KubernetesConnection.kubeconfig(path: path)
            #expect(connection.clientCertificate?.certificatePEM == (try KubernetesFixture.data("client.pem")))
            #expect(connection.clientCertificate?.keyPEM == (try KubernetesFixture.data("client-key.pem")))
            let tls = try #require(try connection.makeTLSConfiguration())
            #expect(tls.certificateChain.count == 1)
            #expect(tls.privateKey != nil)
        }
    }

    @Test func execPluginIsNamedAsUnsupported() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let path = try workspace.write(
            "config",
            Self.kubeconfig(
                cluster: "server: https://127.0.0.1:6443",
                user: """
                    exec:
                      apiVersion: client.authentication.k8s.io/v1beta1
                      command: aws
                      args: [eks, get-token, --cluster-name, prod]
                    """))
        #expect(throws: KubernetesConfigError(
            "kubeconfig \(path): user \"dev-admin\" uses an exec plugin, which controld does not support; use a token or client certificate"
        )) {
            try KubernetesConnection.kubeconfig(path: path)
        }
    }

    @Test func missingOrUnknownContextIsAClearError() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let path = try workspace.write(
            "config", Self.kubeconfig(cluster: "server: https://127.0.0.1:6443", user: "token: t", currentContext: nil))
        #expect(throws: KubernetesConfigError(
            "kubeconfig \(path): no current-context is set; choose one with kubectl config use-context"
        )) {
            try KubernetesConnection.kubeconfig(path: path)
        }
        #expect(throws: KubernetesConfigError("kubeconfig \(path): context \"prod\" is not defined")) {
            try KubernetesConnection.kubeconfig(path: path, context: "prod")
        }
        #expect(throws: KubernetesConfigError(
            "kubeconfig \(path): context \"other\" names cluster \"missing-cluster\", which is not defined"
        )) {
            try KubernetesConnection.kubeconfig(path: path, context: "other")
        }
    }

    @Test func otherUnusableSettingsAreNamed() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let cases: [(cluster: String, user: String, message: String)] = [
            ("server: ftp://127.0.0.1", "token: t", "cluster \"kind-dev\" has server \"ftp://127.0.0.1\"; it must be an https:// or http:// URL"),
            ("insecure-skip-tls-verify: true", "token: t", "cluster \"kind-dev\" has no server"),
            ("server: https://127.0.0.1\ncertificate-authority-data: bm90IGEgY2VydA==", "token: t",
             "cluster \"kind-dev\"'s certificate authority is not a PEM certificate"),
            ("server: https://127.0.0.1", "auth-provider:\n  name: gcp",
             "user \"dev-admin\" uses an auth-provider, which controld does not support; use a token or client certificate"),
            ("server: https://127.0.0.1", "username: admin\npassword: secret",
             "user \"dev-admin\" uses a username and password, which controld does not support; use a token or client certificate"),
            ("server: https://127.0.0.1", "client-certificate-data: \(try Self.base64("client.pem"))",
             "user \"dev-admin\" has a client certificate but no client-key"),
            ("server: https://127.0.0.1", "tokenFile: /nonexistent/token",
             "user \"dev-admin\" tokenFile /nonexistent/token cannot be read (no such file or directory)"),
        ]
        for (index, testCase) in cases.enumerated() {
            let path = try workspace.write("config-\(index)", Self.kubeconfig(cluster: testCase.cluster, user: testCase.user))
            #expect(throws: KubernetesConfigError("kubeconfig \(path): \(testCase.message)")) {
                try KubernetesConnection.kubeconfig(path: path)
            }
        }
        #expect(throws: KubernetesConfigError.self) {
            try KubernetesConnection.kubeconfig(path: workspace.directory.appendingPathComponent("absent").path)
        }
    }

    @Test func inClusterFromAServiceAccountDirectory() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try workspace.write("sa/token", "eyJhbGciOiJSUzI1NiJ9.pod-token\n")
        try workspace.write("sa/ca.crt", try Self.pem("ca.pem"))
        try workspace.write("sa/namespace", "istio-system")
        let directory = workspace.directory.appendingPathComponent("sa").path
        let connection = try KubernetesConnection.inCluster(
            environment: ["KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443"],
            serviceAccountDirectory: directory)
        #expect(connection.server == "https://10.96.0.1:443")
        #expect(connection.bearerToken == .file(path: directory + "/token"))
        #expect(connection.trust == .certificateAuthority(pem: try KubernetesFixture.data("ca.pem")))
        #expect(connection.namespace == "istio-system")
        #expect(try KubernetesTokenSource(connection.bearerToken).current() == "eyJhbGciOiJSUzI1NiJ9.pod-token")
        #expect(try connection.makeTLSConfiguration() != nil)

        let ipv6 = try KubernetesConnection.inCluster(
            environment: ["KUBERNETES_SERVICE_HOST": "fd00::1", "KUBERNETES_SERVICE_PORT": "443"],
            serviceAccountDirectory: directory)
        #expect(ipv6.server == "https://[fd00::1]:443")
    }

    @Test func inClusterOutsideAPodIsAClearError() throws {
        #expect(throws: KubernetesConfigError(
            "in-cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set; not running in a pod? Use --kubeconfig instead"
        )) {
            try KubernetesConnection.inCluster(environment: [:], serviceAccountDirectory: "/nonexistent")
        }
        #expect(throws: KubernetesConfigError(
            "in-cluster: the service account's token /nonexistent/token cannot be read (no such file or directory)"
        )) {
            try KubernetesConnection.inCluster(
                environment: ["KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443"],
                serviceAccountDirectory: "/nonexistent")
        }
    }
}
