import Foundation
import XDS

/// A request as Envoy's RBAC filters see it, for asserting what generated policies
/// allow and deny without running Envoy.
struct TestRequest {
    var method = "GET"
    var path = "/"
    var host = "httpbin.foo.svc.cluster.local"
    var headers: [String: String] = [:]
    var port = 8000
    /// The peer certificate's URI SAN (mTLS), nil for plaintext.
    var peer: String?
    var sourceIP = "10.0.0.9"
    var remoteIP: String?
    var destinationIP = "10.0.0.1"
    var sni: String?
    /// The verified JWT payload jwt_authn stored in metadata.
    var jwt: [String: Claim]?
    /// False for a TCP connection: no request attributes at all.
    var isHTTP = true

    enum Claim {
        case string(String)
        case list([String])
    }

    static func from(_ principal: String) -> TestRequest {
        var request = TestRequest()
        request.peer = "spiffe://\(principal)"
        return request
    }
}

/// Evaluates Envoy RBAC configs the way Envoy's RBAC engine does (a policy matches
/// when any permission and any principal match), for the matchers translation emits.
enum RBACEvaluator {
    /// Whether a request passes every filter, in order: ALLOW needs a matching
    /// policy, DENY refuses on one, LOG never refuses.
    static func allows(_ configs: [Envoy_Config_Rbac_V3_RBAC], _ request: TestRequest) -> Bool {
        for rbac in configs {
            let matched = rbac.policies.values.contains { matches($0, request) }
            switch rbac.action {
            case .allow: if !matched { return false }
            case .deny: if matched { return false }
            default: break
            }
        }
        return true
    }

    static func matches(_ policy: Envoy_Config_Rbac_V3_Policy, _ request: TestRequest) -> Bool {
        policy.permissions.contains { matches($0, request) } && policy.principals.contains { matches($0, request) }
    }

    static func matches(_ permission: Envoy_Config_Rbac_V3_Permission, _ request: TestRequest) -> Bool {
        switch permission.rule {
        case .andRules(let set)?: set.rules.allSatisfy { matches($0, request) }
        case .orRules(let set)?: set.rules.contains { matches($0, request) }
        case .any(let any)?: any
        case .notRule(let inner)?: !matches(inner, request)
        case .header(let header)?: matches(header, request)
        case .urlPath(let path)?:
            request.isHTTP && matches(path.path, String(request.path.split(separator: "?", maxSplits: 1).first ?? ""))
        case .destinationPort(let port)?: Int(port) == request.port
        case .destinationIp(let range)?: contains(range, request.destinationIP)
        case .requestedServerName(let name)?: request.sni.map { matches(name, $0) } ?? false
        case .metadata(let metadata)?: matches(metadata, request)
        default: false
        }
    }

    static func matches(_ principal: Envoy_Config_Rbac_V3_Principal, _ request: TestRequest) -> Bool {
        switch principal.identifier {
        case .andIds(let set)?: set.ids.allSatisfy { matches($0, request) }
        case .orIds(let set)?: set.ids.contains { matches($0, request) }
        case .any(let any)?: any
        case .notID(let inner)?: !matches(inner, request)
        case .authenticated(let authenticated)?: request.peer.map { matches(authenticated.principalName, $0) } ?? false
        case .directRemoteIp(let range)?: contains(range, request.sourceIP)
        case .remoteIp(let range)?: contains(range, request.remoteIP ?? request.sourceIP)
        case .header(let header)?: matches(header, request)
        case .metadata(let metadata)?: matches(metadata, request)
        default: false
        }
    }

    static func matches(_ header: Envoy_Config_Route_V3_HeaderMatcher, _ request: TestRequest) -> Bool {
        guard request.isHTTP else { return header.invertMatch }
        let value: String? =
            switch header.name {
            case ":method": request.method
            case ":authority": request.host
            case ":path": request.path
            default: request.headers[header.name.lowercased()]
            }
        var result: Bool
        switch header.headerMatchSpecifier {
        case .presentMatch(let present)?: result = (value != nil) == present
        case .stringMatch(let matcher)?: result = value.map { matches(matcher, $0) } ?? false
        default: result = false
        }
        if header.invertMatch { result.toggle() }
        return result
    }

    static func matches(_ metadata: Envoy_Type_Matcher_V3_MetadataMatcher, _ request: TestRequest) -> Bool {
        guard metadata.filter == "envoy.filters.http.jwt_authn", let payload = request.jwt else { return false }
        let keys = metadata.path.map(\.key)
        // Path: payload, then one claim name (nested claims are not used in these tests).
        guard keys.count == 2, keys[0] == "payload", let claim = payload[keys[1]] else { return false }
        return matches(metadata.value, claim) != metadata.invert
    }

    static func matches(_ value: Envoy_Type_Matcher_V3_ValueMatcher, _ claim: TestRequest.Claim) -> Bool {
        switch value.matchPattern {
        case .stringMatch(let matcher)?:
            if case .string(let text) = claim { return matches(matcher, text) }
            return false
        case .listMatch(let list)?:
            if case .list(let items) = claim { return items.contains { matches(list.oneOf, .string($0)) } }
            return false
        case .orMatch(let or)?: return or.valueMatchers.contains { matches($0, claim) }
        case .presentMatch(let present)?: return present
        default: return false
        }
    }

    static func matches(_ matcher: Envoy_Type_Matcher_V3_StringMatcher, _ text: String) -> Bool {
        let (subject, fold) = matcher.ignoreCase ? (text.lowercased(), { (s: String) in s.lowercased() }) : (text, { $0 })
        switch matcher.matchPattern {
        case .exact(let exact)?: return subject == fold(exact)
        case .prefix(let prefix)?: return subject.hasPrefix(fold(prefix))
        case .suffix(let suffix)?: return subject.hasSuffix(fold(suffix))
        case .contains(let part)?: return subject.contains(fold(part))
        case .safeRegex(let regex)?:
            guard let expression = try? NSRegularExpression(pattern: "^(?:\(regex.regex))$") else { return false }
            return expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
        default: return false
        }
    }

    /// IPv4 CIDR containment.
    static func contains(_ range: Envoy_Config_Core_V3_CidrRange, _ address: String) -> Bool {
        func bits(_ text: String) -> UInt32? {
            let parts = text.split(separator: ".").compactMap { UInt32($0) }
            guard parts.count == 4 else { return nil }
            return parts.reduce(0) { $0 << 8 | $1 }
        }
        guard let network = bits(range.addressPrefix), let host = bits(address) else { return false }
        let length = range.prefixLen.value
        let mask: UInt32 = length == 0 ? 0 : ~UInt32(0) << (32 - length)
        return network & mask == host & mask
    }
}
