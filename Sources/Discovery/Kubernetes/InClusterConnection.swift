import Foundation

extension KubernetesConnection {
    /// Where the kubelet mounts a pod's service-account token, CA bundle and namespace.
    public static let defaultServiceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount"

    /// The connection a pod has to its own cluster: `KUBERNETES_SERVICE_HOST` and
    /// `KUBERNETES_SERVICE_PORT`, the service account's `ca.crt`, and its `token`, read
    /// again for every request because the kubelet rotates it. Both inputs are
    /// parameters so tests can point them at a temporary directory.
    public static func inCluster(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        serviceAccountDirectory: String = defaultServiceAccountDirectory
    ) throws -> KubernetesConnection {
        let origin = "in-cluster"
        guard let host = environment["KUBERNETES_SERVICE_HOST"], !host.isEmpty,
            let port = environment["KUBERNETES_SERVICE_PORT"], !port.isEmpty
        else {
            throw KubernetesConfigError(
                "\(origin): KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set; not running in a pod? Use --kubeconfig instead"
            )
        }
        guard let portNumber = Int(port), (1...65535).contains(portNumber) else {
            throw KubernetesConfigError("\(origin): KUBERNETES_SERVICE_PORT \"\(port)\" is not a port number")
        }
        // An IPv6 service address needs brackets in a URL.
        let hostPart = host.contains(":") ? "[\(host)]" : host
        let directory = URL(fileURLWithPath: serviceAccountDirectory)
        let tokenPath = directory.appendingPathComponent("token").path
        let caPath = directory.appendingPathComponent("ca.crt").path
        func read(_ path: String, what: String) throws -> Data {
            do {
                return try Data(contentsOf: URL(fileURLWithPath: path))
            } catch {
                throw KubernetesConfigError(
                    "\(origin): the service account's \(what) \(path) cannot be read (\(reason(error)))")
            }
        }
        _ = try read(tokenPath, what: "token")
        let ca = try read(caPath, what: "CA bundle")
        _ = try certificates(ca, what: "the service account's CA bundle \(caPath)", origin: origin)
        let namespacePath = directory.appendingPathComponent("namespace").path
        let namespace = (try? String(contentsOfFile: namespacePath, encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return KubernetesConnection(
            server: "https://\(hostPart):\(portNumber)",
            trust: .certificateAuthority(pem: ca),
            bearerToken: .file(path: tokenPath),
            namespace: namespace?.isEmpty == false ? namespace : nil,
            origin: origin
        )
    }
}
