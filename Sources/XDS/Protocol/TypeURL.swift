/// An xDS resource type, named by its protobuf type URL.
///
/// The server is generic over type URLs: a provider may register any (ztunnel's
/// `istio.workload.Address`, say) without the server knowing what it means. The few
/// facts the protocol attaches to a type live here.
public struct TypeURL: RawRepresentable, Hashable, Sendable, Comparable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    public init(_ rawValue: String) {
        self.rawValue = rawValue
    }

    public static let cluster = TypeURL("type.googleapis.com/envoy.config.cluster.v3.Cluster")
    public static let endpoint = TypeURL("type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment")
    public static let listener = TypeURL("type.googleapis.com/envoy.config.listener.v3.Listener")
    public static let route = TypeURL("type.googleapis.com/envoy.config.route.v3.RouteConfiguration")
    public static let secret = TypeURL("type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret")

    /// Listeners and clusters are the wildcard types: in state of the world every
    /// response carries the complete set, and an empty subscription means "all".
    public var isWildcardInStateOfTheWorld: Bool {
        self == .cluster || self == .listener
    }

    /// The short name istiod uses in metric labels and debug output (`cds`, `eds`...).
    public var shortName: String {
        switch self {
        case .cluster: "cds"
        case .endpoint: "eds"
        case .listener: "lds"
        case .route: "rds"
        case .secret: "sds"
        default:
            String(rawValue.split(separator: ".").last ?? Substring(rawValue)).lowercased()
        }
    }

    /// Where a type goes in a push that changes several: clusters before endpoints,
    /// listeners after clusters, routes after listeners, so Envoy warms each resource
    /// with what it references already present. Types the mesh adds come last.
    public var pushOrder: Int {
        switch self {
        case .cluster: 0
        case .endpoint: 1
        case .listener: 2
        case .route: 3
        case .secret: 4
        default: 5
        }
    }

    public static func < (lhs: TypeURL, rhs: TypeURL) -> Bool {
        (lhs.pushOrder, lhs.rawValue) < (rhs.pushOrder, rhs.rawValue)
    }

    public var description: String { rawValue }
}
