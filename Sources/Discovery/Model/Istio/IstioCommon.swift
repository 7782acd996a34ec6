/// The groups and versions Istio's resources are served under.
enum IstioAPI {
    static let networking = "networking.istio.io"
    static let security = "security.istio.io"
    /// networking.istio.io serves the same schema under all three.
    static let networkingVersions: Set<String> = ["v1", "v1beta1", "v1alpha3"]
    static let securityVersions: Set<String> = ["v1", "v1beta1"]
}

/// Istio's `StringMatch`: exactly one of `exact`, `prefix` or `regex` (RE2).
public struct StringMatch: Sendable, Codable, Hashable {
    public var exact: String?
    public var prefix: String?
    public var regex: String?

    public init(exact: String? = nil, prefix: String? = nil, regex: String? = nil) {
        self.exact = exact
        self.prefix = prefix
        self.regex = regex
    }
}

/// A `port: {number: N}` selector.
public struct PortSelector: Sendable, Codable, Hashable {
    public var number: Int?
}

/// A routing target: host (a service or ServiceEntry host), subset, port.
public struct Destination: Sendable, Codable, Hashable {
    public var host: String
    public var subset: String?
    public var port: PortSelector?
}

/// A percentage from 0 to 100, as `{value: 12.5}`.
public struct Percent: Sendable, Codable, Hashable {
    public var value: Double?
}

/// Header edits for requests or responses.
public struct HeaderOperations: Sendable, Codable, Hashable {
    public var set: [String: String]?
    public var add: [String: String]?
    public var remove: [String]?
}

/// Request and response header edits (VirtualService `headers`).
public struct Headers: Sendable, Codable, Hashable {
    public var request: HeaderOperations?
    public var response: HeaderOperations?
}

/// A port on a Gateway server or Sidecar listener.
public struct IstioPort: Sendable, Codable, Hashable {
    public var number: Int?
    /// HTTP, HTTPS, GRPC, GRPC-WEB, HTTP2, MONGO, TCP, TLS (case-insensitive).
    public var `protocol`: String?
    public var name: String?
    public var targetPort: Int?
}

/// TLS settings of a Gateway server or a Sidecar ingress listener.
public struct ServerTLSSettings: Sendable, Codable, Hashable {
    /// `tls.mode`.
    public enum Mode: String, Sendable, Codable, Hashable {
        case passthrough = "PASSTHROUGH", simple = "SIMPLE", mutual = "MUTUAL"
        case autoPassthrough = "AUTO_PASSTHROUGH", istioMutual = "ISTIO_MUTUAL"
        case optionalMutual = "OPTIONAL_MUTUAL"
    }
    /// `minProtocolVersion` / `maxProtocolVersion`.
    public enum ProtocolVersion: String, Sendable, Codable, Hashable {
        case auto = "TLS_AUTO", v1_0 = "TLSV1_0", v1_1 = "TLSV1_1", v1_2 = "TLSV1_2", v1_3 = "TLSV1_3"
    }
    /// One of several server certificates.
    public struct Certificate: Sendable, Codable, Hashable {
        public var serverCertificate: String?
        public var privateKey: String?
        public var caCertificates: String?
    }

    public var httpsRedirect: Bool?
    public var mode: Mode?
    public var serverCertificate: String?
    public var privateKey: String?
    public var caCertificates: String?
    public var caCrl: String?
    public var credentialName: String?
    public var credentialNames: [String]?
    public var caCertCredentialName: String?
    public var tlsCertificates: [Certificate]?
    public var subjectAltNames: [String]?
    public var verifyCertificateSpki: [String]?
    public var verifyCertificateHash: [String]?
    public var minProtocolVersion: ProtocolVersion?
    public var maxProtocolVersion: ProtocolVersion?
    public var cipherSuites: [String]?
    public var ecdhCurves: [String]?
    public var insecureSkipVerify: Bool?
}
