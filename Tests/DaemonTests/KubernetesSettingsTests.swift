import ControlPlane
import Discovery
import Testing

@testable import Daemon

@Suite("--kubeconfig, --in-cluster and discoverySelectors")
struct KubernetesSettingsTests {
    private func line(_ body: () throws(StartupError) -> KubernetesSettings?) -> String? {
        do {
            _ = try body()
            return nil
        } catch {
            #expect(error.exitStatus == 2)
            return error.line
        }
    }

    private static func kubeconfig(user: String) -> String {
        """
        apiVersion: v1
        kind: Config
        current-context: kind
        clusters:
        - name: kind
          cluster: {server: "http://127.0.0.1:6443"}
        contexts:
        - name: kind
          context: {cluster: kind, user: admin, namespace: bookinfo}
        users:
        - name: admin
          user:
        \(user)
        """
    }

    @Test("no flag: no cluster")
    func neither() throws {
        #expect(try KubernetesSettings.parse(kubeconfig: nil, inCluster: false) == nil)
    }

    @Test("a kubeconfig with a token resolves to its current context's server")
    func kubeconfigWithToken() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("config", Self.kubeconfig(user: "    token: abc"))
        let settings = try #require(try KubernetesSettings.parse(kubeconfig: path, inCluster: false))
        #expect(settings.flag == "--kubeconfig")
        #expect(settings.connection.server == "http://127.0.0.1:6443")
        #expect(settings.connection.bearerToken == .token("abc"))
        #expect(settings.sourceName == "kubernetes http://127.0.0.1:6443")
    }

    @Test("an exec plugin is one line naming the flag and what is unsupported")
    func execPlugin() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write(
            "config", Self.kubeconfig(user: "    exec: {apiVersion: client.authentication.k8s.io/v1, command: aws}"))
        #expect(
            line { () throws(StartupError) in try KubernetesSettings.parse(kubeconfig: path, inCluster: false) }
                == "controld: --kubeconfig \(path): user \"admin\" uses an exec plugin, which controld does not support; use a token or client certificate"
        )
    }

    @Test("a missing kubeconfig names the file")
    func missingFile() {
        #expect(
            line { () throws(StartupError) in
                try KubernetesSettings.parse(kubeconfig: "/nonexistent/kubeconfig", inCluster: false)
            } == "controld: --kubeconfig /nonexistent/kubeconfig: cannot read the file (no such file or directory)")
    }

    @Test("--kubeconfig and --in-cluster together are a usage error")
    func both() {
        #expect(
            line { () throws(StartupError) in try KubernetesSettings.parse(kubeconfig: "k", inCluster: true) }
                == "controld: --kubeconfig k: cannot be combined with --in-cluster; choose one")
    }

    @Test("--in-cluster outside a pod says so")
    func inClusterOutsideAPod() {
        #expect(
            line { () throws(StartupError) in
                try KubernetesSettings.parse(
                    kubeconfig: nil, inCluster: true, environment: [:], serviceAccountDirectory: "/nonexistent")
            }
                == "controld: --in-cluster /nonexistent: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set; not running in a pod? Use --kubeconfig instead"
        )
    }

    @Test("--in-cluster reads the service account")
    func inCluster() throws {
        let directory = try TemporaryDirectory()
        try directory.write("token", "token-1\n")
        try directory.write("namespace", "istio-system")
        try directory.write("ca.crt", Self.certificate)
        let settings = try #require(
            try KubernetesSettings.parse(
                kubeconfig: nil, inCluster: true,
                environment: ["KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443"],
                serviceAccountDirectory: directory.path))
        #expect(settings.connection.server == "https://10.96.0.1:443")
        #expect(settings.connection.bearerToken == .file(path: directory.path + "/token"))
        #expect(settings.connection.namespace == "istio-system")
    }

    @Test("MeshConfig discoverySelectors: matchLabels and matchExpressions, as Istio writes them")
    func discoverySelectors() throws {
        let mesh = try MeshConfig.parse(
            """
            rootNamespace: istio-system
            discoverySelectors:
            - matchLabels:
                istio-discovery: enabled
            - matchExpressions:
              - key: env
                operator: In
                values: [prod, staging]
              - key: legacy
                operator: DoesNotExist
            """)
        let selectors = try #require(mesh.discoverySelectors)
        #expect(selectors.count == 2)
        let namespaces = KubernetesNamespaceSelector(selectors)
        #expect(namespaces.matches(["istio-discovery": "enabled"]))
        #expect(namespaces.matches(["env": "prod"]))
        #expect(!namespaces.matches(["env": "prod", "legacy": "true"]))
        #expect(!namespaces.matches(["env": "dev"]))
        #expect(try MeshConfig.parse("rootNamespace: istio-system").discoverySelectors == nil)
        // An operator Kubernetes does not have is a --mesh-config error, not a silent "match all".
        #expect(throws: MeshConfigError.self) {
            try MeshConfig.parse("discoverySelectors:\n- matchExpressions:\n  - {key: env, operator: Like}\n")
        }
    }

    /// A self-signed certificate, only parsed, never used for a handshake.
    static let certificate = """
        -----BEGIN CERTIFICATE-----
        MIIBgDCCASegAwIBAgIUEuOHyGi3TeU3vywEbGdj7wFNPtswCgYIKoZIzj0EAwIw
        FTETMBEGA1UEAwwKa3ViZXJuZXRlczAgFw0yNjExMjIwMzU0MjFaGA8yMTI2MTAy
        OTAzNTQyMVowFTETMBEGA1UEAwwKa3ViZXJuZXRlczBZMBMGByqGSM49AgEGCCqG
        SM49AwEHA0IABLlyqLruPvoW/fg+N4K9ESKW50SczMdubs5sPyvIUBXA9KIITKx6
        mUD5KimHcfShChHpuiG8eem5weme08DQmWejUzBRMB0GA1UdDgQWBBRrpTzRN+Pb
        sWkmKKMY5YcqEa3FizAfBgNVHSMEGDAWgBRrpTzRN+PbsWkmKKMY5YcqEa3FizAP
        BgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0cAMEQCH1xIWjyXgUuPOrfZcLZ3
        knFdfhMORKA3dSSbG2d572wCIQCSY6V5trqAYVqvUSMgnzoT83p1f7oGpvwmrLT0
        5mPbyg==
        -----END CERTIFICATE-----
        """
}
