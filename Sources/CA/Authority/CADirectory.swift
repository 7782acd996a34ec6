public import Foundation
public import X509
import SwiftASN1

/// The CA's files in `--ca-dir`, in Istio's names.
///
/// Two layouts are recognised. A plugged-in CA (Istio's `cacerts`: `ca-cert.pem`,
/// `ca-key.pem`, `root-cert.pem`, `cert-chain.pem`) is used as given and never
/// rewritten. Otherwise controld keeps its own self-signed root there: `ca-cert.pem`
/// and `ca-key.pem` (mode 0600), and the trust bundle `root-cert.pem`, made on
/// first start and reused afterwards.
public struct CADirectory: Sendable {
    /// The CA certificate leaves are issued under.
    public static let caCertFile = "ca-cert.pem"
    /// Its private key.
    public static let caKeyFile = "ca-key.pem"
    /// The trust bundle: the root(s) workloads should trust.
    public static let rootCertFile = "root-cert.pem"
    /// A plugged-in CA's chain from `ca-cert.pem` up to its root.
    public static let certChainFile = "cert-chain.pem"

    /// The directory.
    public var path: String

    public init(path: String) {
        self.path = path
    }

    /// The full path of `file` in the directory.
    public func file(_ file: String) -> String {
        URL(fileURLWithPath: path).appendingPathComponent(file).path
    }

    /// Whether the directory holds a plugged-in CA (it has `cert-chain.pem`, which
    /// controld never writes itself).
    public var holdsPluggedInCA: Bool {
        FileManager.default.fileExists(atPath: file(Self.certChainFile))
    }

    /// The authority in the directory: the plugged-in CA, validated; the
    /// self-signed root made earlier; or a new root of `keyType`, written now.
    public func loadOrCreate(
        keyType: CAKeyType, trustDomain: String, rootLifetime: Duration, now: Date
    ) async throws(CASetupError) -> SigningAuthority {
        if holdsPluggedInCA {
            return try await loadPluggedIn(now: now)
        }
        let certExists = FileManager.default.fileExists(atPath: file(Self.caCertFile))
        let keyExists = FileManager.default.fileExists(atPath: file(Self.caKeyFile))
        switch (certExists, keyExists) {
        case (true, true):
            return try loadSelfSigned(now: now)
        case (true, false):
            throw CASetupError("\(Self.caCertFile) exists but \(Self.caKeyFile) is missing")
        case (false, true):
            throw CASetupError("\(Self.caKeyFile) exists but \(Self.caCertFile) is missing")
        case (false, false):
            return try create(keyType: keyType, trustDomain: trustDomain, lifetime: rootLifetime, now: now)
        }
    }

    /// Writes a self-signed authority: certificate, then the trust bundle (the key
    /// only when `includingKey`, since rotation keeps it).
    public func persist(_ authority: SigningAuthority, includingKey: Bool) throws(CASetupError) {
        if includingKey {
            let keyPEM: String
            do { keyPEM = try authority.privateKey.serializeAsPEM().pemString + "\n" } catch {
                throw CASetupError("cannot encode the CA key: \(error)")
            }
            try AtomicFile.replace(keyPEM, to: file(Self.caKeyFile), mode: 0o600)
        }
        try AtomicFile.replace(try Self.pem([authority.certificate]), to: file(Self.caCertFile), mode: 0o644)
        try writeTrustBundle(authority.trustBundle)
    }

    /// Writes `roots` to `root-cert.pem`, where file-mode workloads read it.
    public func writeTrustBundle(_ roots: [Certificate]) throws(CASetupError) {
        try AtomicFile.replace(try Self.pem(roots), to: file(Self.rootCertFile), mode: 0o644)
    }

    // MARK: - Layouts

    private func create(
        keyType: CAKeyType, trustDomain: String, lifetime: Duration, now: Date
    ) throws(CASetupError) -> SigningAuthority {
        do {
            try FileManager.default.createDirectory(
                atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw CASetupError("cannot create the directory: \(error.localizedDescription)")
        }
        let authority: SigningAuthority
        do {
            let key = try keyType.generate()
            let root = try RootCertificate.make(key: key, trustDomain: trustDomain, now: now, lifetime: lifetime)
            authority = SigningAuthority(certificate: root, privateKey: key, root: root)
        } catch {
            throw CASetupError("cannot make a root certificate: \(error)")
        }
        try persist(authority, includingKey: true)
        return authority
    }

    private func loadSelfSigned(now: Date) throws(CASetupError) -> SigningAuthority {
        let certificate = try single(Self.caCertFile)
        let key = try privateKey()
        guard key.publicKey == certificate.publicKey else {
            throw CASetupError("\(Self.caKeyFile) does not match \(Self.caCertFile)")
        }
        guard certificate.subject == certificate.issuer else {
            throw CASetupError(
                "\(Self.caCertFile) is not self-signed; a CA with a parent needs \(Self.rootCertFile) and \(Self.certChainFile)")
        }
        // Roots from a previous rotation stay trusted until they expire.
        let previous = (try? certificates(Self.rootCertFile)) ?? []
        let bundle = [certificate] + previous.filter { $0 != certificate && $0.notValidAfter > now }
        let authority = SigningAuthority(certificate: certificate, privateKey: key, root: certificate, trustBundle: bundle)
        if bundle != previous {
            try writeTrustBundle(bundle)
        }
        return authority
    }

    private func loadPluggedIn(now: Date) async throws(CASetupError) -> SigningAuthority {
        let certificate = try single(Self.caCertFile)
        let key = try privateKey()
        guard key.publicKey == certificate.publicKey else {
            throw CASetupError("\(Self.caKeyFile) does not match \(Self.caCertFile)")
        }
        guard let constraints = try? certificate.extensions.basicConstraints,
            case .isCertificateAuthority = constraints
        else {
            throw CASetupError("\(Self.caCertFile) is not a CA certificate (basicConstraints CA:TRUE missing)")
        }
        let roots = try certificates(Self.rootCertFile)
        let chainFile = try certificates(Self.certChainFile)
        let intermediates = chainFile.filter { $0 != certificate && !roots.contains($0) }
        let chain: [Certificate]
        do {
            chain = try await ChainCheck.verify(certificate, intermediates: intermediates, roots: roots, at: now)
        } catch {
            throw CASetupError(
                "\(Self.caCertFile) does not chain to \(Self.rootCertFile) through \(Self.certChainFile): \(error.problem)")
        }
        guard let root = chain.last else {
            throw CASetupError("\(Self.caCertFile) has no path to a root")
        }
        return SigningAuthority(
            certificate: certificate, privateKey: key, intermediates: Array(chain.dropFirst().dropLast()),
            root: root, trustBundle: roots)
    }

    // MARK: - Reading

    private func contents(_ name: String) throws(CASetupError) -> String {
        do {
            return try String(contentsOfFile: file(name), encoding: .utf8)
        } catch {
            throw CASetupError("cannot read \(name): \((error as NSError).localizedDescription)")
        }
    }

    private func certificates(_ name: String) throws(CASetupError) -> [Certificate] {
        let text = try contents(name)
        do {
            let documents = try PEMDocument.parseMultiple(pemString: text)
            let certificates = try documents.map { try Certificate(pemDocument: $0) }
            guard !certificates.isEmpty else { throw CASetupError("no certificate") }
            return certificates
        } catch {
            throw CASetupError("\(name) does not hold PEM certificates")
        }
    }

    private func single(_ name: String) throws(CASetupError) -> Certificate {
        let all = try certificates(name)
        guard all.count == 1 else {
            throw CASetupError("\(name) must hold exactly one certificate, it holds \(all.count)")
        }
        return all[0]
    }

    private func privateKey() throws(CASetupError) -> Certificate.PrivateKey {
        let text = try contents(Self.caKeyFile)
        do {
            return try Certificate.PrivateKey(pemEncoded: text)
        } catch {
            throw CASetupError("\(Self.caKeyFile) does not hold a PEM private key")
        }
    }

    static func pem(_ certificates: [Certificate]) throws(CASetupError) -> String {
        do {
            return try certificates.map { try $0.serializeAsPEM().pemString + "\n" }.joined()
        } catch {
            throw CASetupError("cannot encode a certificate: \(error)")
        }
    }
}
