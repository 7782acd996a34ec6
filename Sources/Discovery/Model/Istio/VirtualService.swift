/// Istio's VirtualService: how requests to a set of hosts are routed.
public typealias VirtualService = SpecObject<VirtualServiceSpec>

/// `VirtualService.spec`, every field of Istio's schema.
public struct VirtualServiceSpec: ResourceSpec {
    public static let groupKind = GroupKind(group: IstioAPI.networking, kind: "VirtualService")
    public static let versions = IstioAPI.networkingVersions

    public var hosts: [String]?
    public var gateways: [String]?
    public var http: [HTTPRoute]?
    public var tls: [TLSRoute]?
    public var tcp: [TCPRoute]?
    public var exportTo: [String]?

    public init() {}

    /// One HTTP route: conditions, then a route, redirect, direct response or delegate.
    public struct HTTPRoute: Sendable, Codable, Hashable {
        public var name: String?
        public var match: [HTTPMatchRequest]?
        public var route: [HTTPRouteDestination]?
        public var redirect: HTTPRedirect?
        public var directResponse: HTTPDirectResponse?
        public var delegate: Delegate?
        public var rewrite: HTTPRewrite?
        public var timeout: ConfigDuration?
        public var retries: HTTPRetry?
        public var fault: HTTPFaultInjection?
        public var mirror: Destination?
        public var mirrors: [HTTPMirrorPolicy]?
        public var mirrorPercent: Int?
        /// The deprecated snake-case spelling Istio's schema still lists.
        public var mirror_percent: Int?
        public var mirrorPercentage: Percent?
        public var corsPolicy: CorsPolicy?
        public var headers: Headers?
    }

    /// Request conditions; all fields of one match must hold, any match may.
    public struct HTTPMatchRequest: Sendable, Codable, Hashable {
        public var name: String?
        public var uri: StringMatch?
        public var scheme: StringMatch?
        public var method: StringMatch?
        public var authority: StringMatch?
        public var headers: [String: StringMatch]?
        public var port: Int?
        public var sourceLabels: [String: String]?
        public var gateways: [String]?
        public var queryParams: [String: StringMatch]?
        public var ignoreUriCase: Bool?
        public var withoutHeaders: [String: StringMatch]?
        public var sourceNamespace: String?
        public var statPrefix: String?
    }

    /// A weighted destination of an HTTP route.
    public struct HTTPRouteDestination: Sendable, Codable, Hashable {
        public var destination: Destination
        public var weight: Int?
        public var headers: Headers?
    }

    /// A weighted destination of a TCP or TLS route.
    public struct RouteDestination: Sendable, Codable, Hashable {
        public var destination: Destination
        public var weight: Int?
    }

    /// `redirect`.
    public struct HTTPRedirect: Sendable, Codable, Hashable {
        /// `derivePort`.
        public enum DerivePort: String, Sendable, Codable, Hashable {
            case fromProtocolDefault = "FROM_PROTOCOL_DEFAULT", fromRequestPort = "FROM_REQUEST_PORT"
        }
        public var uri: String?
        public var authority: String?
        public var port: Int?
        public var derivePort: DerivePort?
        public var scheme: String?
        public var redirectCode: Int?
        public var prefixRewrite: String?
    }

    /// `directResponse`.
    public struct HTTPDirectResponse: Sendable, Codable, Hashable {
        /// `body`: one of `string` or `bytes` (base64).
        public struct Body: Sendable, Codable, Hashable {
            public var string: String?
            public var bytes: String?
        }
        public var status: Int
        public var body: Body?
    }

    /// `delegate`: another VirtualService holding the routes.
    public struct Delegate: Sendable, Codable, Hashable {
        public var name: String?
        public var namespace: String?
    }

    /// `rewrite`.
    public struct HTTPRewrite: Sendable, Codable, Hashable {
        /// `uriRegexRewrite`.
        public struct RegexRewrite: Sendable, Codable, Hashable {
            public var match: String?
            public var rewrite: String?
        }
        public var uri: String?
        public var authority: String?
        public var uriRegexRewrite: RegexRewrite?
    }

    /// `retries`.
    public struct HTTPRetry: Sendable, Codable, Hashable {
        public var attempts: Int?
        public var perTryTimeout: ConfigDuration?
        public var retryOn: String?
        public var retryRemoteLocalities: Bool?
        public var retryIgnorePreviousHosts: Bool?
        public var backoff: ConfigDuration?
    }

    /// `fault`: delays and aborts.
    public struct HTTPFaultInjection: Sendable, Codable, Hashable {
        /// `fault.delay`.
        public struct Delay: Sendable, Codable, Hashable {
            public var fixedDelay: ConfigDuration?
            public var exponentialDelay: ConfigDuration?
            public var percentage: Percent?
            /// Deprecated integer percentage.
            public var percent: Int?
        }
        /// `fault.abort`.
        public struct Abort: Sendable, Codable, Hashable {
            public var httpStatus: Int?
            public var grpcStatus: String?
            public var http2Error: String?
            public var percentage: Percent?
        }
        public var delay: Delay?
        public var abort: Abort?
    }

    /// One of `mirrors`.
    public struct HTTPMirrorPolicy: Sendable, Codable, Hashable {
        public var destination: Destination
        public var percentage: Percent?
    }

    /// `corsPolicy`.
    public struct CorsPolicy: Sendable, Codable, Hashable {
        /// `unmatchedPreflights`.
        public enum UnmatchedPreflights: String, Sendable, Codable, Hashable {
            case unspecified = "UNSPECIFIED", forward = "FORWARD", ignore = "IGNORE"
        }
        public var allowOrigin: [String]?
        public var allowOrigins: [StringMatch]?
        public var allowMethods: [String]?
        public var allowHeaders: [String]?
        public var exposeHeaders: [String]?
        public var maxAge: ConfigDuration?
        public var allowCredentials: Bool?
        public var unmatchedPreflights: UnmatchedPreflights?
    }

    /// One TLS route, matched by SNI.
    public struct TLSRoute: Sendable, Codable, Hashable {
        public var match: [TLSMatchAttributes]?
        public var route: [RouteDestination]?
    }

    /// `tls[].match[]`.
    public struct TLSMatchAttributes: Sendable, Codable, Hashable {
        public var sniHosts: [String]?
        public var destinationSubnets: [String]?
        public var port: Int?
        public var sourceLabels: [String: String]?
        public var gateways: [String]?
        public var sourceNamespace: String?
    }

    /// One TCP route.
    public struct TCPRoute: Sendable, Codable, Hashable {
        public var match: [L4MatchAttributes]?
        public var route: [RouteDestination]?
    }

    /// `tcp[].match[]`.
    public struct L4MatchAttributes: Sendable, Codable, Hashable {
        public var destinationSubnets: [String]?
        public var port: Int?
        public var sourceLabels: [String: String]?
        public var gateways: [String]?
        public var sourceNamespace: String?
        public var sourceSubnet: String?
    }
}
