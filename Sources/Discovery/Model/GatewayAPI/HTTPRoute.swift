/// The Gateway API's HTTPRoute (`gateway.networking.k8s.io/v1`). Decoded and
/// validated now; translated later.
public typealias HTTPRoute = SpecObject<HTTPRouteSpec>

/// `HTTPRoute.spec`.
public struct HTTPRouteSpec: ResourceSpec {
    public static let groupKind = GroupKind(group: GatewayAPI.group, kind: "HTTPRoute")
    public static let versions = GatewayAPI.versions

    public var parentRefs: [ParentReference]?
    public var hostnames: [String]?
    public var rules: [Rule]?

    public init() {}

    /// `parentRefs[]`: the Gateways (or Services, for mesh routing) this attaches to.
    public struct ParentReference: Sendable, Codable, Hashable {
        public var group: String?
        public var kind: String?
        public var namespace: String?
        public var name: String
        public var sectionName: String?
        public var port: Int?
    }

    /// `rules[]`.
    public struct Rule: Sendable, Codable, Hashable {
        public var name: String?
        public var matches: [Match]?
        public var filters: [Filter]?
        public var backendRefs: [BackendRef]?
        public var timeouts: Timeouts?
        public var retry: Retry?
        public var sessionPersistence: JSONValue?
    }

    /// `matches[]`.
    public struct Match: Sendable, Codable, Hashable {
        /// `path`.
        public struct PathMatch: Sendable, Codable, Hashable {
            /// `type`.
            public enum MatchType: String, Sendable, Codable, Hashable {
                case exact = "Exact", pathPrefix = "PathPrefix", regularExpression = "RegularExpression"
            }
            public var type: MatchType?
            public var value: String?
        }
        /// `headers[]` and `queryParams[]`.
        public struct ValueMatch: Sendable, Codable, Hashable {
            /// `type`.
            public enum MatchType: String, Sendable, Codable, Hashable {
                case exact = "Exact", regularExpression = "RegularExpression"
            }
            public var type: MatchType?
            public var name: String
            public var value: String
        }
        public var path: PathMatch?
        public var headers: [ValueMatch]?
        public var queryParams: [ValueMatch]?
        public var method: String?
    }

    /// `filters[]`.
    public struct Filter: Sendable, Codable, Hashable {
        /// `type`.
        public enum FilterType: String, Sendable, Codable, Hashable {
            case requestHeaderModifier = "RequestHeaderModifier", responseHeaderModifier = "ResponseHeaderModifier"
            case requestMirror = "RequestMirror", requestRedirect = "RequestRedirect", urlRewrite = "URLRewrite"
            case extensionRef = "ExtensionRef", cors = "CORS"
        }
        public var type: FilterType
        public var requestHeaderModifier: HeaderModifier?
        public var responseHeaderModifier: HeaderModifier?
        public var requestMirror: RequestMirror?
        public var requestRedirect: RequestRedirect?
        public var urlRewrite: URLRewrite?
        public var extensionRef: JSONValue?
        public var cors: JSONValue?
    }

    /// `requestHeaderModifier` / `responseHeaderModifier`.
    public struct HeaderModifier: Sendable, Codable, Hashable {
        /// A header name and value.
        public struct Header: Sendable, Codable, Hashable {
            public var name: String
            public var value: String
        }
        public var set: [Header]?
        public var add: [Header]?
        public var remove: [String]?
    }

    /// `requestMirror`.
    public struct RequestMirror: Sendable, Codable, Hashable {
        public var backendRef: BackendObjectReference
        public var percent: Int?
        public var fraction: JSONValue?
    }

    /// A path modification of a redirect or rewrite.
    public struct PathModifier: Sendable, Codable, Hashable {
        /// `type`.
        public enum ModifierType: String, Sendable, Codable, Hashable {
            case replaceFullPath = "ReplaceFullPath", replacePrefixMatch = "ReplacePrefixMatch"
        }
        public var type: ModifierType
        public var replaceFullPath: String?
        public var replacePrefixMatch: String?
    }

    /// `requestRedirect`.
    public struct RequestRedirect: Sendable, Codable, Hashable {
        public var scheme: String?
        public var hostname: String?
        public var path: PathModifier?
        public var port: Int?
        public var statusCode: Int?
    }

    /// `urlRewrite`.
    public struct URLRewrite: Sendable, Codable, Hashable {
        public var hostname: String?
        public var path: PathModifier?
    }

    /// A backend: a Service (by default) and port.
    public struct BackendObjectReference: Sendable, Codable, Hashable {
        public var group: String?
        public var kind: String?
        public var name: String
        public var namespace: String?
        public var port: Int?
    }

    /// `backendRefs[]`.
    public struct BackendRef: Sendable, Codable, Hashable {
        public var group: String?
        public var kind: String?
        public var name: String
        public var namespace: String?
        public var port: Int?
        public var weight: Int?
        public var filters: [Filter]?
    }

    /// `timeouts`.
    public struct Timeouts: Sendable, Codable, Hashable {
        public var request: ConfigDuration?
        public var backendRequest: ConfigDuration?
    }

    /// `retry`.
    public struct Retry: Sendable, Codable, Hashable {
        public var codes: [Int]?
        public var attempts: Int?
        public var backoff: ConfigDuration?
    }
}
