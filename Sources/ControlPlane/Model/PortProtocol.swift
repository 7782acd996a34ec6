/// What a service port speaks, decided as Istio does: the port's declared protocol
/// (ServiceEntry, Gateway), else Kubernetes `appProtocol`, else the port name's
/// prefix (`http-web`, `grpc`, `tcp-db`); anything else is treated as TCP.
public enum PortProtocol: String, Sendable, Hashable, CaseIterable {
    case http = "HTTP", http2 = "HTTP2", grpc = "GRPC", grpcWeb = "GRPC-WEB", https = "HTTPS"
    case tls = "TLS", tcp = "TCP", mongo = "MONGO", redis = "REDIS", mysql = "MYSQL", udp = "UDP"
    /// Nothing declared: Istio sniffs; without sniffing we treat it as TCP.
    case unsupported = "UNSUPPORTED"

    /// Parses a declared protocol, case-insensitively; nil when it is not one Istio knows.
    public init?(declared: String) {
        let upper = declared.uppercased()
        if let known = PortProtocol(rawValue: upper), known != .unsupported {
            self = known
        } else if upper == "H2C" || upper == "KUBERNETES.IO/H2C" {
            self = .http2
        } else {
            return nil
        }
    }

    /// The protocol for a port declared with `declared` (may be nil), Kubernetes
    /// `appProtocol`, and `name`, in Istio's order of precedence.
    public static func resolve(declared: String?, appProtocol: String? = nil, name: String?) -> PortProtocol {
        if let declared, let known = PortProtocol(declared: declared) { return known }
        if let appProtocol, let known = PortProtocol(declared: appProtocol) { return known }
        if let name {
            let prefix = name.split(separator: "-", maxSplits: 1).first.map(String.init) ?? name
            if let known = PortProtocol(declared: prefix) { return known }
        }
        return .unsupported
    }

    /// Routed by HTTP (an HCM with RDS) rather than forwarded as bytes.
    public var isHTTP: Bool {
        switch self {
        case .http, .http2, .grpc, .grpcWeb: true
        default: false
        }
    }

    /// Needs HTTP/2 to its upstream (gRPC, h2c).
    public var isHTTP2: Bool {
        self == .http2 || self == .grpc
    }

    /// TLS carried end to end, routed by SNI.
    public var isTLS: Bool {
        self == .https || self == .tls
    }
}
