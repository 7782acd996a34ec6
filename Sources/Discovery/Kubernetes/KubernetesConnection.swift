import Foundation

/// How to reach one Kubernetes API server: its URL, how to trust it, and who we are.
/// Built from a kubeconfig (``KubernetesConnection/kubeconfig(path:context:)``) or from
/// the pod's service account (``KubernetesConnection/inCluster(environment:serviceAccountDirectory:)``).
public struct KubernetesConnection: Sendable, Hashable {
    /// The API server's base URL (`https://host:port`, possibly with a path prefix), no trailing slash.
    public var server: String
    /// How the server's certificate is checked (ignored for `http://` servers).
    public var trust: ServerTrust
    /// The bearer token sent with every request, if any.
    public var bearerToken: BearerToken
    /// A client certificate presented during the TLS handshake, if any.
    public var clientCertificate: ClientCertificate?
    /// The context's (or the pod's) namespace, for messages and defaults; the source itself watches all namespaces.
    public var namespace: String?
    /// Where the settings came from (`kubeconfig /path` or `in-cluster`), so messages can say so.
    public var origin: String

    public init(
        server: String,
        trust: ServerTrust = .systemRoots,
        bearerToken: BearerToken = .none,
        clientCertificate: ClientCertificate? = nil,
        namespace: String? = nil,
        origin: String
    ) {
        self.server = server.hasSuffix("/") ? String(server.dropLast()) : server
        self.trust = trust
        self.bearerToken = bearerToken
        self.clientCertificate = clientCertificate
        self.namespace = namespace
        self.origin = origin
    }

    /// How the API server's certificate is verified.
    public enum ServerTrust: Sendable, Hashable {
        /// The system's trust store.
        case systemRoots
        /// Only the PEM certificates given (a kubeconfig's `certificate-authority(-data)`, the pod's `ca.crt`).
        case certificateAuthority(pem: Data)
        /// No verification at all (`insecure-skip-tls-verify: true`).
        case insecureSkipVerify
    }

    /// The `Authorization: Bearer` credential.
    public enum BearerToken: Sendable, Hashable {
        case none
        /// A fixed token (a kubeconfig's `token`).
        case token(String)
        /// A file read again for every request, so a rotated token (the kubelet's projected
        /// service-account token, a kubeconfig's `tokenFile`) is picked up without a restart.
        case file(path: String)
    }

    /// A client certificate and its private key, both PEM.
    public struct ClientCertificate: Sendable, Hashable {
        public var certificatePEM: Data
        public var keyPEM: Data

        public init(certificatePEM: Data, keyPEM: Data) {
            self.certificatePEM = certificatePEM
            self.keyPEM = keyPEM
        }
    }

    /// Whether requests go over TLS.
    var usesTLS: Bool { server.lowercased().hasPrefix("https://") }
}

/// A kubeconfig or in-cluster setting that cannot be used, with a message that names the
/// file (or `in-cluster`) and the setting, ready to print as the process's one-line error.
public struct KubernetesConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
