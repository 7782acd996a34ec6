public import Foundation
import X509
import SwiftASN1

/// The Secret `istio-ca-secret` in which a cluster keeps the self-signed root, in
/// Istio's layout so istiod and controld can take over from each other: type
/// `istio.io/ca-root`, data `ca-cert.pem` and `ca-key.pem`, and the keys Istio writes
/// empty beside them (`cert-chain.pem`, `key.pem`, `root-cert.pem`).
///
/// controld puts the trust bundle in `root-cert.pem` only while a rotation overlap
/// holds an older root (empty otherwise, as Istio leaves it), so a restart in the
/// overlap keeps trusting both.
public struct IstioCASecret: Sendable {
    /// The Secret's name.
    public static let name = "istio-ca-secret"
    /// The Secret's type.
    public static let type = "istio.io/ca-root"
    /// Istio's data keys: what the CA signs with, and the three it leaves empty.
    public static let caCertKey = "ca-cert.pem"
    public static let caKeyKey = "ca-key.pem"
    public static let rootCertKey = "root-cert.pem"
    static let emptyKeys = ["cert-chain.pem", "key.pem"]

    /// The namespace (Istio's POD_NAMESPACE, `istio-system`).
    public var namespace: String
    /// `ca-cert.pem`.
    public var caCertPEM: String
    /// `ca-key.pem`.
    public var caKeyPEM: String
    /// `root-cert.pem`: empty, or the trust bundle during a rotation overlap.
    public var rootCertPEM: String
    /// The object as the API server last sent it (nil before it is created), so a
    /// replace keeps its metadata and carries its resourceVersion.
    public var stored: Data?

    /// The Secret for a self-signed `authority`.
    public init(authority: SigningAuthority, namespace: String) throws(CASetupError) {
        self.namespace = namespace
        caCertPEM = try CADirectory.pem([authority.certificate])
        do {
            caKeyPEM = try authority.privateKey.serializeAsPEM().pemString + "\n"
        } catch {
            throw CASetupError("cannot encode the CA key: \(error)")
        }
        rootCertPEM = authority.trustBundle == [authority.certificate] ? "" : try CADirectory.pem(authority.trustBundle)
        stored = nil
    }

    /// The Secret in an API server response; throws when it is not one or its data is not base64.
    public init(json: Data) throws(CASetupError) {
        guard let object = (try? JSONSerialization.jsonObject(with: json)) as? [String: Any],
            let metadata = object["metadata"] as? [String: Any]
        else {
            throw CASetupError("the API server sent something that is not a Secret")
        }
        let data = object["data"] as? [String: String] ?? [:]
        func decoded(_ key: String) throws(CASetupError) -> String {
            guard let value = data[key], !value.isEmpty else { return "" }
            guard let bytes = Data(base64Encoded: value) else { throw CASetupError("\(key) is not base64") }
            return String(decoding: bytes, as: UTF8.self)
        }
        namespace = metadata["namespace"] as? String ?? ""
        caCertPEM = try decoded(Self.caCertKey)
        caKeyPEM = try decoded(Self.caKeyKey)
        rootCertPEM = try decoded(Self.rootCertKey)
        stored = json
    }

    /// `namespace/name`, for messages.
    public var reference: String { "\(namespace)/\(Self.name)" }

    /// The resourceVersion it was read at.
    public var resourceVersion: String? {
        guard let stored, let object = (try? JSONSerialization.jsonObject(with: stored)) as? [String: Any] else {
            return nil
        }
        return (object["metadata"] as? [String: Any])?["resourceVersion"] as? String
    }

    /// The JSON to create it (POST) or replace it (PUT): the stored object with its
    /// data set, or a new Secret.
    public func json() -> Data {
        var object = stored.flatMap { (try? JSONSerialization.jsonObject(with: $0)) as? [String: Any] } ?? [:]
        object["apiVersion"] = "v1"
        object["kind"] = "Secret"
        var metadata = object["metadata"] as? [String: Any] ?? [:]
        metadata["name"] = Self.name
        metadata["namespace"] = namespace
        object["metadata"] = metadata
        object["type"] = Self.type
        var data = object["data"] as? [String: String] ?? [:]
        for key in Self.emptyKeys where data[key] == nil { data[key] = "" }
        data[Self.caCertKey] = Data(caCertPEM.utf8).base64EncodedString()
        data[Self.caKeyKey] = Data(caKeyPEM.utf8).base64EncodedString()
        data[Self.rootCertKey] = Data(rootCertPEM.utf8).base64EncodedString()
        object["data"] = data
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
    }

    /// The authority it holds, checked: one self-signed CA certificate whose key is
    /// `ca-key.pem`. Roots in `root-cert.pem` that are still valid at `now` stay in
    /// the trust bundle after it.
    public func authority(now: Date) throws(CASetupError) -> SigningAuthority {
        func problem(_ text: String) -> CASetupError { CASetupError("Secret \(reference): \(text)") }
        guard !caCertPEM.isEmpty else { throw problem("\(Self.caCertKey) is missing or empty") }
        guard !caKeyPEM.isEmpty else { throw problem("\(Self.caKeyKey) is missing or empty") }
        let certificates: [Certificate]
        do {
            certificates = try Self.certificates(caCertPEM)
        } catch {
            throw problem("\(Self.caCertKey) does not hold a PEM certificate")
        }
        guard certificates.count == 1, let certificate = certificates.first else {
            throw problem("\(Self.caCertKey) must hold exactly one certificate, it holds \(certificates.count)")
        }
        let key: Certificate.PrivateKey
        do {
            key = try Certificate.PrivateKey(pemEncoded: caKeyPEM)
        } catch {
            throw problem("\(Self.caKeyKey) does not hold a PEM private key")
        }
        guard key.publicKey == certificate.publicKey else {
            throw problem("\(Self.caKeyKey) does not match \(Self.caCertKey)")
        }
        guard certificate.subject == certificate.issuer else {
            throw problem("\(Self.caCertKey) is not self-signed; plug in a CA with a parent through --ca-dir (cacerts)")
        }
        let previous = (try? Self.certificates(rootCertPEM)) ?? []
        let bundle = [certificate] + previous.filter { $0 != certificate && $0.notValidAfter > now }
        return SigningAuthority(certificate: certificate, privateKey: key, root: certificate, trustBundle: bundle)
    }

    private static func certificates(_ pem: String) throws -> [Certificate] {
        try PEMDocument.parseMultiple(pemString: pem).map { try Certificate(pemDocument: $0) }
    }
}
