import Foundation
import NIOSSL

extension KubernetesConnection {
    /// The TLS settings for AsyncHTTPClient, or nil for an `http://` server. Throws a
    /// ``KubernetesConfigError`` when a certificate or key does not parse, so a broken
    /// setting fails at startup rather than at the first request.
    func makeTLSConfiguration() throws -> TLSConfiguration? {
        guard usesTLS else { return nil }
        var tls = TLSConfiguration.makeClientConfiguration()
        switch trust {
        case .systemRoots:
            break
        case .certificateAuthority(let pem):
            tls.trustRoots = .certificates(
                try Self.certificates(pem, what: "the certificate authority", origin: origin))
        case .insecureSkipVerify:
            tls.certificateVerification = .none
        }
        if let client = clientCertificate {
            tls.certificateChain = try Self.certificates(
                client.certificatePEM, what: "the client certificate", origin: origin
            ).map { .certificate($0) }
            tls.privateKey = .privateKey(try Self.privateKey(client.keyPEM, origin: origin))
        }
        return tls
    }

    /// The certificates in a PEM bundle; at least one, or a message naming `what`.
    static func certificates(_ pem: Data, what: String, origin: String) throws -> [NIOSSLCertificate] {
        // NIOSSL's errors (`failedToLoadCertificate`) say less than naming the setting does.
        guard let certificates = try? NIOSSLCertificate.fromPEMBytes(Array(pem)), !certificates.isEmpty else {
            throw KubernetesConfigError("\(origin): \(what) is not a PEM certificate")
        }
        return certificates
    }

    static func privateKey(_ pem: Data, origin: String) throws -> NIOSSLPrivateKey {
        do {
            return try NIOSSLPrivateKey(bytes: Array(pem), format: .pem)
        } catch {
            throw KubernetesConfigError("\(origin): the client key is not a PEM private key (\(error))")
        }
    }
}
