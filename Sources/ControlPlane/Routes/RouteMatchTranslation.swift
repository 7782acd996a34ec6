import Discovery
import SwiftProtobuf
import XDS

/// Istio's `HTTPMatchRequest` → Envoy `RouteMatch`, and the checks that decide
/// whether a match can apply to this proxy at all.
enum RouteMatchTranslation {
    /// Pseudo-headers Envoy matches the method, authority and scheme on.
    static let methodHeader = ":method"
    static let authorityHeader = ":authority"
    static let schemeHeader = ":scheme"
    /// Header names with this prefix select JWT claims (dynamic metadata), which
    /// these routes do not express.
    static let jwtClaimPrefix = "@request.auth.claims"

    /// Whether the match can ever apply where these routes are served: its `port`
    /// is the listener's, and either one of its `gateways` is ours or (without
    /// gateways) the proxy carries its `sourceLabels` and is in its
    /// `sourceNamespace`.
    static func applies(_ match: VirtualServiceSpec.HTTPMatchRequest?, context: HTTPRouteContext) -> Bool {
        guard let match else { return true }
        if let port = match.port, port != 0, port != context.listenerPort { return false }
        if let gateways = match.gateways, !gateways.isEmpty {
            return gateways.contains { context.gateways.contains(context.resolveGateway($0)) }
        }
        for (key, value) in match.sourceLabels ?? [:] where context.proxyLabels[key] != value {
            return false
        }
        if let namespace = match.sourceNamespace, !namespace.isEmpty, namespace != context.proxyNamespace {
            return false
        }
        return true
    }

    /// Whether the match uses a condition these routes cannot express (JWT claim
    /// routing); such a match is dropped rather than widened.
    static func isUnsupported(_ match: VirtualServiceSpec.HTTPMatchRequest?) -> Bool {
        guard let match else { return false }
        let names = Array((match.headers ?? [:]).keys) + Array((match.withoutHeaders ?? [:]).keys)
        return names.contains { $0.hasPrefix(jwtClaimPrefix) }
    }

    /// The Envoy match: prefix `/` when there is no condition; otherwise the path,
    /// its case sensitivity, header matchers (headers and withoutHeaders sorted by
    /// name, then `:method`, `:authority`, `:scheme`) and query parameters (by name).
    static func routeMatch(_ match: VirtualServiceSpec.HTTPMatchRequest?) -> Envoy_Config_Route_V3_RouteMatch {
        var out = Envoy_Config_Route_V3_RouteMatch()
        out.pathSpecifier = .prefix("/")
        guard let match else { return out }

        var headers: [Envoy_Config_Route_V3_HeaderMatcher] = []
        for (name, value) in match.headers ?? [:] {
            headers.append(headerMatcher(name: name, value))
        }
        for (name, value) in match.withoutHeaders ?? [:] {
            var matcher = headerMatcher(name: name, value)
            matcher.invertMatch = true
            // A missing header then counts as "not matching the value"; Envoy forbids
            // the flag together with a presence check.
            if !isPresenceCheck(value) { matcher.treatMissingHeaderAsEmpty = true }
            headers.append(matcher)
        }
        headers.sort { ($0.name, $0.invertMatch ? 1 : 0) < ($1.name, $1.invertMatch ? 1 : 0) }

        if let uri = match.uri {
            if let exact = uri.exact {
                out.pathSpecifier = .path(exact)
            } else if let prefix = uri.prefix {
                out.pathSpecifier = .prefix(prefix)
            } else if let regex = uri.regex {
                out.pathSpecifier = .safeRegex(regexMatcher(regex))
            }
        }
        out.caseSensitive = Google_Protobuf_BoolValue(!(match.ignoreUriCase ?? false))

        if let method = match.method { headers.append(headerMatcher(name: methodHeader, method)) }
        if let authority = match.authority { headers.append(headerMatcher(name: authorityHeader, authority)) }
        if let scheme = match.scheme { headers.append(headerMatcher(name: schemeHeader, scheme)) }
        out.headers = headers

        out.queryParameters = (match.queryParams ?? [:]).sorted { $0.key < $1.key }.map { name, value in
            var matcher = Envoy_Config_Route_V3_QueryParameterMatcher()
            matcher.name = name
            if isPresenceCheck(value) {
                matcher.presentMatch = true
            } else if let stringMatch = stringMatcher(value) {
                matcher.stringMatch = stringMatch
            }
            return matcher
        }
        return out
    }

    /// A header condition: an empty StringMatch (or Istio's legacy regex `*`) only
    /// asks that the header be present.
    static func headerMatcher(name: String, _ value: StringMatch) -> Envoy_Config_Route_V3_HeaderMatcher {
        var out = Envoy_Config_Route_V3_HeaderMatcher()
        out.name = name
        if isPresenceCheck(value) {
            out.presentMatch = true
        } else if let stringMatch = stringMatcher(value) {
            out.stringMatch = stringMatch
        }
        return out
    }

    /// True for a StringMatch with no pattern, or the regex `*` (which Istio reads as
    /// "present", RE2 having no meaning for it).
    static func isPresenceCheck(_ value: StringMatch) -> Bool {
        if let regex = value.regex { return regex == "*" }
        return value.exact == nil && value.prefix == nil
    }

    /// Istio's StringMatch as Envoy's StringMatcher (exact, prefix or RE2 regex).
    static func stringMatcher(_ value: StringMatch) -> Envoy_Type_Matcher_V3_StringMatcher? {
        var out = Envoy_Type_Matcher_V3_StringMatcher()
        if let exact = value.exact {
            out.matchPattern = .exact(exact)
        } else if let prefix = value.prefix {
            out.matchPattern = .prefix(prefix)
        } else if let regex = value.regex {
            out.matchPattern = .safeRegex(regexMatcher(regex))
        } else {
            return nil
        }
        return out
    }

    static func regexMatcher(_ regex: String) -> Envoy_Type_Matcher_V3_RegexMatcher {
        var out = Envoy_Type_Matcher_V3_RegexMatcher()
        out.regex = regex
        return out
    }

    /// Whether Envoy would send every request to this route: prefix `/` (or regex
    /// `.*`) with no header or query condition. Routes after it can never match.
    static func isCatchAll(_ match: Envoy_Config_Route_V3_RouteMatch) -> Bool {
        let everyPath: Bool
        switch match.pathSpecifier {
        case .prefix(let prefix)?: everyPath = prefix == "/"
        case .pathSeparatedPrefix(let prefix)?: everyPath = prefix == "/"
        case .safeRegex(let regex)?: everyPath = regex.regex == ".*"
        default: everyPath = false
        }
        return everyPath && match.headers.isEmpty && match.queryParameters.isEmpty
    }
}
