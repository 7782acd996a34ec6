public import Foundation
public import X509

/// What one successful CreateCertificate gives the workload: its key, its chain, and
/// the roots it trusts. Immutable; a renewal makes a new value.
public struct WorkloadCredentials: Sendable {
    /// The key the leaf certifies.
    public let key: WorkloadKey
    /// Leaf first, then intermediates, as Envoy's `certificate_chain` wants it (the
    /// root, which the CA sends last, is left out: peers hold it already).
    public let chain: [Certificate]
    /// The roots to trust peers with: the `--root-cert` file's, plus the root the CA
    /// sent if the file does not have it yet.
    public let trustBundle: [Certificate]
    /// The root the CA sent with the chain, if it sent one.
    public let issuedRoot: Certificate?

    /// `chain` as PEM.
    public let chainPEM: String
    /// `key` as PEM.
    public let keyPEM: String
    /// `trustBundle` as PEM.
    public let trustBundlePEM: String

    public init(key: WorkloadKey, chain: [Certificate], trustBundle: [Certificate], issuedRoot: Certificate? = nil) throws {
        precondition(!chain.isEmpty, "a chain has at least the leaf")
        self.key = key
        self.chain = chain
        self.trustBundle = trustBundle
        self.issuedRoot = issuedRoot
        self.chainPEM = try PEMBundle.pem(chain)
        self.keyPEM = try key.pem()
        self.trustBundlePEM = try PEMBundle.pem(trustBundle)
    }

    /// Splits the CA's response (leaf, intermediates, root) into chain and trust
    /// bundle, checking that the leaf certifies `key`.
    public init(key: WorkloadKey, response: [String], roots: [Certificate]) throws {
        let certificates = try response.flatMap { try PEMBundle.certificates(in: $0) }
        guard let leaf = certificates.first else {
            throw AgentError.badResponse("the CA returned no certificate")
        }
        guard leaf.publicKey == key.privateKey.publicKey else {
            throw AgentError.badResponse("the CA's certificate is not for the key the CSR carried")
        }
        // A chain of one is a leaf signed directly by... itself: only then is the last
        // element not a root to drop.
        let issuedRoot = certificates.count > 1 ? certificates.last : nil
        let chain = issuedRoot == nil ? certificates : Array(certificates.dropLast())
        let bundle = PEMBundle.unique(roots + (issuedRoot.map { [$0] } ?? []))
        try self.init(key: key, chain: chain, trustBundle: bundle, issuedRoot: issuedRoot)
    }

    /// The same key and chain trusting `roots` (the root file changed) and the root
    /// the chain was issued under, which peers' chains may still lead to.
    public func withRoots(_ roots: [Certificate]) throws -> WorkloadCredentials {
        let bundle = PEMBundle.unique(roots + (issuedRoot.map { [$0] } ?? []))
        return try WorkloadCredentials(key: key, chain: chain, trustBundle: bundle, issuedRoot: issuedRoot)
    }

    /// The workload certificate.
    public var leaf: Certificate { chain[0] }

    /// When the leaf stops being valid.
    public var notAfter: Date { leaf.notValidAfter }

    /// The leaf's serial number in hex, for logs and tests.
    public var serialHex: String { leaf.serialNumber.description }
}
