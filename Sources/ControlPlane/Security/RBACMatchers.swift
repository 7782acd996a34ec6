import Foundation
import SwiftProtobuf
import XDS

typealias RBACPermission = Envoy_Config_Rbac_V3_Permission
typealias RBACPrincipal = Envoy_Config_Rbac_V3_Principal
typealias StringMatcher = Envoy_Type_Matcher_V3_StringMatcher
typealias ValueMatcher = Envoy_Type_Matcher_V3_ValueMatcher

/// The Envoy matchers authorization rules are made of, built the way istiod builds
/// them, so `*` wildcards, case rules and JWT claim lookups behave the same.
enum RBACMatchers {
    /// Where jwt_authn stores verified payloads (`payload_in_metadata`), and so
    /// where RBAC reads request principals and claims.
    static let jwtFilterName = "envoy.filters.http.jwt_authn"
    static let jwtPayloadKey = "payload"

    // MARK: Strings

    static func exact(_ value: String, ignoreCase: Bool = false) -> StringMatcher {
        var matcher = StringMatcher()
        matcher.exact = value
        matcher.ignoreCase = ignoreCase
        return matcher
    }

    static func prefix(_ value: String, ignoreCase: Bool = false) -> StringMatcher {
        var matcher = StringMatcher()
        matcher.prefix = value
        matcher.ignoreCase = ignoreCase
        return matcher
    }

    static func suffix(_ value: String, ignoreCase: Bool = false) -> StringMatcher {
        var matcher = StringMatcher()
        matcher.suffix = value
        matcher.ignoreCase = ignoreCase
        return matcher
    }

    static func regex(_ pattern: String) -> StringMatcher {
        var matcher = StringMatcher()
        matcher.safeRegex.regex = pattern
        return matcher
    }

    /// Istio's value syntax: `*` any non-empty value, `*abc` suffix, `abc*` prefix,
    /// else exact. With `prefix` (e.g. `spiffe://`) prepended to what is matched; a
    /// suffix then needs a regex, since Envoy has no prefix-and-suffix matcher.
    static func wildcard(_ value: String, prefix fixed: String = "") -> StringMatcher {
        if value == "*" { return regex(".+") }
        if value.hasPrefix("*") {
            let rest = String(value.dropFirst())
            return fixed.isEmpty ? suffix(rest) : regex(fixed + ".*" + quote(rest))
        }
        if value.hasSuffix("*") { return prefix(fixed + value.dropLast()) }
        return exact(fixed + value)
    }

    /// `literal` as RE2 text: the metacharacters escaped (the set Go's
    /// `regexp.QuoteMeta` escapes, so patterns read the same as istiod's).
    static func quote(_ literal: String) -> String {
        var quoted = ""
        for character in literal {
            if #"\.+*?()|[]{}^$"#.contains(character) { quoted.append("\\") }
            quoted.append(character)
        }
        return quoted
    }

    // MARK: Headers and paths

    /// A header condition with Istio's wildcards; `*` means the header is present.
    /// Hosts (`:authority`) compare case-insensitively, other headers exactly.
    static func header(_ name: String, _ value: String, ignoreCase: Bool = false) -> Envoy_Config_Route_V3_HeaderMatcher {
        var matcher = Envoy_Config_Route_V3_HeaderMatcher()
        matcher.name = name
        if value == "*" {
            matcher.presentMatch = true
        } else if value.hasPrefix("*") {
            matcher.stringMatch = suffix(String(value.dropFirst()), ignoreCase: ignoreCase)
        } else if value.hasSuffix("*") {
            matcher.stringMatch = prefix(String(value.dropLast()), ignoreCase: ignoreCase)
        } else {
            matcher.stringMatch = exact(value, ignoreCase: ignoreCase)
        }
        return matcher
    }

    static func path(_ value: String) -> Envoy_Type_Matcher_V3_PathMatcher {
        var matcher = Envoy_Type_Matcher_V3_PathMatcher()
        matcher.path = wildcard(value)
        return matcher
    }

    // MARK: Addresses

    /// `10.0.0.1` (a single address) or `10.0.0.0/16`; nil when neither.
    static func cidr(_ text: String) -> Envoy_Config_Core_V3_CidrRange? {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let address = parts[0]
        let isIPv6 = address.contains(":")
        guard AddressText.isIP(address) else { return nil }
        let maxLength = isIPv6 ? 128 : 32
        var length = maxLength
        if parts.count == 2 {
            guard let parsed = Int(parts[1]), (0...maxLength).contains(parsed) else { return nil }
            length = parsed
        }
        var range = Envoy_Config_Core_V3_CidrRange()
        range.addressPrefix = address
        range.prefixLen = Google_Protobuf_UInt32Value(UInt32(length))
        return range
    }

    // MARK: JWT metadata

    /// `payload.CLAIM` in jwt_authn's metadata, compared as a string.
    static func jwtClaim(_ claim: String, _ value: StringMatcher) -> Envoy_Type_Matcher_V3_MetadataMatcher {
        var valueMatcher = ValueMatcher()
        valueMatcher.stringMatch = value
        return jwtMetadata([claim], valueMatcher)
    }

    /// `payload.CLAIM...` matching any of `values`, whether the claim is one string
    /// or a list of strings (`aud`, or `scope` once split on spaces).
    static func jwtClaimList(_ claims: [String], _ values: [String]) -> Envoy_Type_Matcher_V3_MetadataMatcher {
        let any = anyString(values)
        var list = ValueMatcher()
        list.listMatch.oneOf = any
        var either = ValueMatcher()
        either.orMatch.valueMatchers = [list, any]
        return jwtMetadata(claims, either)
    }

    /// One string matcher per value (Istio's wildcards), or'ed when several.
    static func anyString(_ values: [String]) -> ValueMatcher {
        let matchers = values.map { value -> ValueMatcher in
            var matcher = ValueMatcher()
            matcher.stringMatch = wildcard(value)
            return matcher
        }
        if matchers.count == 1 { return matchers[0] }
        var or = ValueMatcher()
        or.orMatch.valueMatchers = matchers
        return or
    }

    private static func jwtMetadata(_ claims: [String], _ value: ValueMatcher) -> Envoy_Type_Matcher_V3_MetadataMatcher {
        var matcher = Envoy_Type_Matcher_V3_MetadataMatcher()
        matcher.filter = jwtFilterName
        matcher.path = ([jwtPayloadKey] + claims).map { key in
            var segment = Envoy_Type_Matcher_V3_MetadataMatcher.PathSegment()
            segment.key = key
            return segment
        }
        matcher.value = value
        return matcher
    }
}

// MARK: Combinators

extension RBACPermission {
    static let anything: RBACPermission = { var p = RBACPermission(); p.any = true; return p }()

    static func and(_ rules: [RBACPermission]) -> RBACPermission {
        var p = RBACPermission()
        p.andRules.rules = rules
        return p
    }

    static func or(_ rules: [RBACPermission]) -> RBACPermission {
        var p = RBACPermission()
        p.orRules.rules = rules
        return p
    }

    static func not(_ rule: RBACPermission) -> RBACPermission {
        var p = RBACPermission()
        p.notRule = rule
        return p
    }
}

extension RBACPrincipal {
    static let anything: RBACPrincipal = { var p = RBACPrincipal(); p.any = true; return p }()

    static func and(_ ids: [RBACPrincipal]) -> RBACPrincipal {
        var p = RBACPrincipal()
        p.andIds.ids = ids
        return p
    }

    static func or(_ ids: [RBACPrincipal]) -> RBACPrincipal {
        var p = RBACPrincipal()
        p.orIds.ids = ids
        return p
    }

    static func not(_ id: RBACPrincipal) -> RBACPrincipal {
        var p = RBACPrincipal()
        p.notID = id
        return p
    }

    /// The peer certificate's URI SAN (else subject) matching `name`.
    static func authenticated(_ name: StringMatcher) -> RBACPrincipal {
        var p = RBACPrincipal()
        p.authenticated.principalName = name
        return p
    }

    static func metadata(_ matcher: Envoy_Type_Matcher_V3_MetadataMatcher) -> RBACPrincipal {
        var p = RBACPrincipal()
        p.metadata = matcher
        return p
    }
}

/// Textual IP checks without a resolver (`inet_pton` semantics).
enum AddressText {
    static func isIP(_ text: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, text, &v4) == 1 || inet_pton(AF_INET6, text, &v6) == 1
    }
}
