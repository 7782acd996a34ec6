import Foundation
import Yams

extension KubernetesConnection {
    /// The connection a kubeconfig file describes for `context` (default: its
    /// `current-context`), the way kubectl reads it. Relative file paths are relative to
    /// the kubeconfig's directory. Anything controld cannot honour (exec plugins, auth
    /// providers, basic auth, proxies) is an error that names it, never silently skipped.
    public static func kubeconfig(path: String, context: String? = nil) throws -> KubernetesConnection {
        let origin = "kubeconfig \(path)"
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw KubernetesConfigError("\(origin): cannot read the file (\(Self.reason(error)))")
        }
        let file: KubeconfigFile
        do {
            file = try YAMLDecoder().decode(KubeconfigFile.self, from: text)
        } catch {
            throw KubernetesConfigError("\(origin): not a kubeconfig (\(error))")
        }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return try KubeconfigResolver(file: file, origin: origin, directory: directory).connection(context: context)
    }

    /// A file error in the words of the C library ("no such file or directory").
    static func reason(_ error: any Error) -> String {
        if let cocoa = error as? CocoaError {
            switch cocoa.code {
            case .fileNoSuchFile, .fileReadNoSuchFile: return "no such file or directory"
            case .fileReadNoPermission: return "permission denied"
            default: break
            }
        }
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError,
            underlying.domain == NSPOSIXErrorDomain,
            let message = strerror(Int32(underlying.code))
        {
            return String(cString: message).lowercased()
        }
        return nsError.localizedDescription
    }
}

/// Follows a kubeconfig from a context to its cluster and user.
private struct KubeconfigResolver {
    let file: KubeconfigFile
    let origin: String
    let directory: String

    func connection(context requested: String?) throws -> KubernetesConnection {
        guard let contextName = requested ?? nonEmpty(file.currentContext) else {
            throw KubernetesConfigError(
                "\(origin): no current-context is set; choose one with kubectl config use-context")
        }
        guard let context = file.contexts?.first(where: { $0.name == contextName }) else {
            throw KubernetesConfigError("\(origin): context \"\(contextName)\" is not defined")
        }
        guard let clusterName = nonEmpty(context.context?.cluster) else {
            throw KubernetesConfigError("\(origin): context \"\(contextName)\" names no cluster")
        }
        guard let namedCluster = file.clusters?.first(where: { $0.name == clusterName }) else {
            throw KubernetesConfigError(
                "\(origin): context \"\(contextName)\" names cluster \"\(clusterName)\", which is not defined")
        }
        let cluster = namedCluster.cluster ?? KubeconfigFile.Cluster()
        var connection = try self.server(cluster, name: clusterName)
        connection.namespace = nonEmpty(context.context?.namespace)
        if let userName = nonEmpty(context.context?.user) {
            guard let namedUser = file.users?.first(where: { $0.name == userName }) else {
                throw KubernetesConfigError(
                    "\(origin): context \"\(contextName)\" names user \"\(userName)\", which is not defined")
            }
            try apply(namedUser.user ?? KubeconfigFile.User(), name: userName, to: &connection)
        }
        return connection
    }

    private func server(_ cluster: KubeconfigFile.Cluster, name: String) throws -> KubernetesConnection {
        let label = "cluster \"\(name)\""
        guard let server = nonEmpty(cluster.server) else {
            throw KubernetesConfigError("\(origin): \(label) has no server")
        }
        let lowered = server.lowercased()
        guard lowered.hasPrefix("https://") || lowered.hasPrefix("http://"),
            let url = URL(string: server), url.host != nil
        else {
            throw KubernetesConfigError(
                "\(origin): \(label) has server \"\(server)\"; it must be an https:// or http:// URL")
        }
        if cluster.proxyURL != nil {
            throw KubernetesConfigError(
                "\(origin): \(label) sets proxy-url, which controld does not support; reach the server directly")
        }
        if cluster.tlsServerName != nil {
            throw KubernetesConfigError(
                "\(origin): \(label) sets tls-server-name, which controld does not support; use a server URL whose host the certificate names"
            )
        }
        let trust: KubernetesConnection.ServerTrust
        if cluster.insecureSkipTLSVerify == true {
            trust = .insecureSkipVerify
        } else if let data = nonEmpty(cluster.certificateAuthorityData) {
            trust = .certificateAuthority(pem: try decodeBase64(data, field: "\(label) certificate-authority-data"))
        } else if let path = nonEmpty(cluster.certificateAuthority) {
            trust = .certificateAuthority(pem: try read(path, field: "\(label) certificate-authority"))
        } else {
            trust = .systemRoots
        }
        if case .certificateAuthority(let pem) = trust, lowered.hasPrefix("https://") {
            _ = try KubernetesConnection.certificates(pem, what: "\(label)'s certificate authority", origin: origin)
        }
        return KubernetesConnection(server: server, trust: trust, origin: origin)
    }

    private func apply(_ user: KubeconfigFile.User, name: String, to connection: inout KubernetesConnection) throws {
        let label = "user \"\(name)\""
        if user.exec != nil {
            throw KubernetesConfigError(
                "\(origin): \(label) uses an exec plugin, which controld does not support; use a token or client certificate"
            )
        }
        if user.authProvider != nil {
            throw KubernetesConfigError(
                "\(origin): \(label) uses an auth-provider, which controld does not support; use a token or client certificate"
            )
        }
        if user.username != nil || user.password != nil {
            throw KubernetesConfigError(
                "\(origin): \(label) uses a username and password, which controld does not support; use a token or client certificate"
            )
        }
        if let token = nonEmpty(user.token) {
            connection.bearerToken = .token(token)
        } else if let tokenFile = nonEmpty(user.tokenFile) {
            let path = resolve(tokenFile)
            // Read it once now so a missing file is a startup error, not a stream of 401s.
            _ = try read(tokenFile, field: "\(label) tokenFile")
            connection.bearerToken = .file(path: path)
        }
        let certificate: Data? =
            if let data = nonEmpty(user.clientCertificateData) {
                try decodeBase64(data, field: "\(label) client-certificate-data")
            } else if let path = nonEmpty(user.clientCertificate) {
                try read(path, field: "\(label) client-certificate")
            } else {
                nil
            }
        let key: Data? =
            if let data = nonEmpty(user.clientKeyData) {
                try decodeBase64(data, field: "\(label) client-key-data")
            } else if let path = nonEmpty(user.clientKey) {
                try read(path, field: "\(label) client-key")
            } else {
                nil
            }
        switch (certificate, key) {
        case (nil, nil):
            break
        case (.some, nil):
            throw KubernetesConfigError("\(origin): \(label) has a client certificate but no client-key")
        case (nil, .some):
            throw KubernetesConfigError("\(origin): \(label) has a client-key but no client certificate")
        case (.some(let certificate), .some(let key)):
            _ = try KubernetesConnection.certificates(
                certificate, what: "\(label)'s client certificate", origin: origin)
            _ = try KubernetesConnection.privateKey(key, origin: origin)
            connection.clientCertificate = .init(certificatePEM: certificate, keyPEM: key)
        }
    }

    private func resolve(_ path: String) -> String {
        path.hasPrefix("/") ? path : URL(fileURLWithPath: directory).appendingPathComponent(path).path
    }

    private func read(_ path: String, field: String) throws -> Data {
        let resolved = resolve(path)
        do {
            return try Data(contentsOf: URL(fileURLWithPath: resolved))
        } catch {
            throw KubernetesConfigError(
                "\(origin): \(field) \(resolved) cannot be read (\(KubernetesConnection.reason(error)))")
        }
    }

    private func decodeBase64(_ text: String, field: String) throws -> Data {
        guard let data = Data(base64Encoded: text, options: .ignoreUnknownCharacters), !data.isEmpty else {
            throw KubernetesConfigError("\(origin): \(field) is not base64")
        }
        return data
    }

    private func nonEmpty(_ value: String?) -> String? {
        guard let value, !value.isEmpty else { return nil }
        return value
    }
}
