import Foundation
import NIOCore
import NIOSSL
public import X509
import Crypto
import SwiftASN1
import Synchronization

/// The TLS side of the secure port (15012): a serving certificate this CA issued
/// for istiod's names, client certificates requested but optional and verified
/// against the CA's trust bundle, ALPN `h2`.
///
/// gRPC's Posix server transport can only require client certificates or not ask
/// for them; renewal callers may have one and first-time callers never do, so the
/// port terminates TLS with its own handler (see ``SecureGRPCServer``). The TLS
/// context is rebuilt whenever the serving certificate or the trust bundle
/// changes; connections made before keep theirs.
public final class SecurePortTLS: Sendable {
    /// The serving certificate's names: istiod's service name first.
    public let dnsNames: [String]
    /// The serving certificate's lifetime.
    public let lifetime: Duration
    private let ca: any CertificateAuthority
    private let state: Mutex<State>

    private struct State: @unchecked Sendable {
        // NIOSSLContext is thread-safe and immutable once built.
        var context: NIOSSLContext
        var chain: [Certificate]
    }

    /// The DNS name istiod serves 15012 under, always in the serving certificate.
    public static let istiodName = "istiod.istio-system.svc"

    /// Issues the first serving certificate from `ca`.
    public init(ca: any CertificateAuthority, extraDNSNames: [String] = [], lifetime: Duration = .seconds(24 * 3600))
        throws
    {
        var names = [Self.istiodName]
        for name in extraDNSNames where !names.contains(name) { names.append(name) }
        self.dnsNames = names
        self.lifetime = lifetime
        self.ca = ca
        self.state = Mutex(try Self.makeState(ca: ca, dnsNames: names, lifetime: lifetime))
    }

    /// The serving chain in use (leaf first).
    public var servingChain: [Certificate] {
        state.withLock { $0.chain }
    }

    /// Issues a new serving certificate and picks up the CA's current trust bundle.
    public func renew() throws {
        let next = try Self.makeState(ca: ca, dnsNames: dnsNames, lifetime: lifetime)
        state.withLock { $0 = next }
    }

    /// A TLS handler for one new connection.
    public func makeHandler() -> NIOSSLServerHandler {
        NIOSSLServerHandler(context: state.withLock { $0.context })
    }

    private static func makeState(ca: any CertificateAuthority, dnsNames: [String], lifetime: Duration) throws -> State {
        let key = P256.Signing.PrivateKey()
        let chain = try ca.sign(
            publicKey: Certificate.PublicKey(key.publicKey), names: dnsNames.map { .dnsName($0) }, lifetime: lifetime)
        // The root is the client's to have; sending it is wasted bytes.
        let sent = chain.count > 1 ? Array(chain.dropLast()) : chain
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: try sent.map { NIOSSLCertificateSource.certificate(try NIOSSLCertificate(bytes: $0.serializeAsDER(), format: .der)) },
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(key.pemRepresentation.utf8), format: .pem))
        )
        configuration.certificateVerification = CertificateVerification.optionalVerification
        configuration.trustRoots = NIOSSLTrustRoots.certificates(
            try ca.current.trustBundle.map { try NIOSSLCertificate(bytes: $0.serializeAsDER(), format: .der) })
        configuration.applicationProtocols = ["h2"]
        return State(context: try NIOSSLContext(configuration: configuration), chain: chain)
    }
}

extension Certificate {
    func serializeAsDER() throws -> [UInt8] {
        var serializer = DER.Serializer()
        try serializer.serialize(self)
        return serializer.serializedBytes
    }
}
