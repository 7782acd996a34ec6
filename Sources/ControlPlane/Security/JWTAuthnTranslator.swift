import Discovery
import Foundation
import SwiftProtobuf
import XDS

/// RequestAuthentication → Envoy's `envoy.filters.http.jwt_authn`, the way istiod
/// builds it (pilot/pkg/security/authn/policy_applier.go): one provider per
/// `jwtRules` entry, a request with an invalid token is rejected (401), a request
/// without one passes, and each verified payload is stored in the filter's dynamic
/// metadata under `payload`, where the RBAC filters read request principals and
/// claims.
struct JWTAuthnTranslator: Sendable {
    let context: PushContext
    let proxy: MeshProxy

    static let filterName = RBACMatchers.jwtFilterName
    /// Claims Istio always splits on spaces, so `scope` can be matched one scope at a time.
    static let spaceDelimitedClaims = ["permission", "scope"]
    /// jwksUri fetch timeout when the rule sets none (Istio's 5 s), and how long
    /// fetched keys are kept (Istio's 5 min).
    static let defaultTimeout = Google_Protobuf_Duration(seconds: 5)
    static let cacheDuration = Google_Protobuf_Duration(seconds: 300)

    /// The filter for the RequestAuthentications that apply to the proxy; nil when none has rules.
    func filter(_ policies: [ScopedRequestAuthentication]) throws -> Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_HttpFilter? {
        guard let config = configuration(policies) else { return nil }
        return try EnvoyBlocks.httpFilter(Self.filterName, config)
    }

    func configuration(_ policies: [ScopedRequestAuthentication]) -> Envoy_Extensions_Filters_Http_JwtAuthn_V3_JwtAuthentication? {
        // Sorted by issuer (stable, so equal issuers keep the policies' age order)
        // for deterministic provider names.
        let rules = policies.flatMap { $0.spec.jwtRules ?? [] }.enumerated()
            .sorted { ($0.element.issuer ?? "", $0.offset) < ($1.element.issuer ?? "", $1.offset) }.map(\.element)
        guard !rules.isEmpty else { return nil }
        var config = Envoy_Extensions_Filters_Http_JwtAuthn_V3_JwtAuthentication()
        var eachValidOrMissing: [Envoy_Extensions_Filters_Http_JwtAuthn_V3_JwtRequirement] = []
        var anyProvider: [Envoy_Extensions_Filters_Http_JwtAuthn_V3_JwtRequirement] = []
        for (index, rule) in rules.enumerated() {
            let name = "origins-\(index)"
            config.providers[name] = provider(rule)
            eachValidOrMissing.append(.anyOf([.provider(name), .missingAllowed]))
            anyProvider.append(.provider(name))
        }
        // One provider: its token, if present, must be valid. Several: each token
        // present must be valid for its provider (the and), or, when providers read
        // the same header, one of them must accept it (the outer or).
        let requirement: Envoy_Extensions_Filters_Http_JwtAuthn_V3_JwtRequirement =
            eachValidOrMissing.count == 1 ? eachValidOrMissing[0] : .anyOf(anyProvider + [.allOf(eachValidOrMissing)])
        var rule = Envoy_Extensions_Filters_Http_JwtAuthn_V3_RequirementRule()
        rule.match.prefix = "/"
        rule.requires = requirement
        config.rules = [rule]
        // CORS preflights carry no token.
        config.bypassCorsPreflight = true
        return config
    }

    private func provider(_ rule: RequestAuthenticationSpec.JWTRule) -> Envoy_Extensions_Filters_Http_JwtAuthn_V3_JwtProvider {
        var provider = Envoy_Extensions_Filters_Http_JwtAuthn_V3_JwtProvider()
        provider.issuer = rule.issuer ?? ""
        provider.audiences = rule.audiences ?? []
        provider.forward = rule.forwardOriginalToken ?? false
        provider.forwardPayloadHeader = rule.outputPayloadToHeader ?? ""
        provider.payloadInMetadata = RBACMatchers.jwtPayloadKey
        provider.normalizePayloadInMetadata.spaceDelimitedClaims =
            Set(Self.spaceDelimitedClaims + (rule.spaceDelimitedClaims ?? [])).sorted()
        provider.claimToHeaders = (rule.outputClaimToHeaders ?? []).map { output in
            var header = Envoy_Extensions_Filters_Http_JwtAuthn_V3_JwtClaimToHeader()
            header.headerName = output.header
            header.claimName = output.claim
            return header
        }
        provider.fromHeaders = (rule.fromHeaders ?? []).map { location in
            var header = Envoy_Extensions_Filters_Http_JwtAuthn_V3_JwtHeader()
            header.name = location.name
            header.valuePrefix = location.prefix ?? ""
            return header
        }
        provider.fromParams = rule.fromParams ?? []
        provider.fromCookies = rule.fromCookies ?? []
        let uri = rule.jwksUri ?? rule.jwks_uri ?? ""
        if let remote = uri.isEmpty ? nil : remoteJwks(uri, timeout: rule.timeout) {
            provider.remoteJwks = remote
        } else {
            // Inline keys; with none at all (istiod would discover them from the
            // issuer) or none Envoy can load, a set no token verifies against.
            var source = Envoy_Config_Core_V3_DataSource()
            source.inlineString = InlineJWKS.loadable(rule.jwks ?? "")
            provider.localJwks = source
        }
        return provider
    }

    /// `jwksUri` fetched by Envoy through `outbound|PORT||HOST`. That cluster exists
    /// when the host is a mesh service or a ServiceEntry (Istio's "Envoy" fetch
    /// mode); for another host the fetch fails and tokens of that issuer are
    /// refused until a ServiceEntry declares it. istiod's default instead fetches the
    /// keys itself and inlines them; translation here stays pure (no network).
    private func remoteJwks(_ uri: String, timeout: ConfigDuration?) -> Envoy_Extensions_Filters_Http_JwtAuthn_V3_RemoteJwks? {
        guard let target = Self.jwksTarget(uri) else { return nil }
        let host = context.service(target.host, from: proxy.namespace)?.hostname ?? target.host
        var remote = Envoy_Extensions_Filters_Http_JwtAuthn_V3_RemoteJwks()
        remote.httpUri.uri = uri
        remote.httpUri.cluster = MeshNames.outboundCluster(host: host, port: target.port)
        remote.httpUri.timeout = timeout.map { Self.protobufDuration($0.duration) } ?? Self.defaultTimeout
        remote.cacheDuration = Self.cacheDuration
        return remote
    }

    /// Host and port of an http(s) URL (default ports 80 and 443).
    static func jwksTarget(_ uri: String) -> (host: String, port: Int)? {
        guard let components = URLComponents(string: uri), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty
        else { return nil }
        return (host, components.port ?? (scheme == "https" ? 443 : 80))
    }

    static func protobufDuration(_ duration: Duration) -> Google_Protobuf_Duration {
        let (seconds, attoseconds) = duration.components
        return Google_Protobuf_Duration(seconds: seconds, nanos: Int32(attoseconds / 1_000_000_000))
    }
}

extension Envoy_Extensions_Filters_Http_JwtAuthn_V3_JwtRequirement {
    static func provider(_ name: String) -> Self {
        var requirement = Self()
        requirement.providerName = name
        return requirement
    }

    /// Passes requests that carry no token at all (an invalid token still fails).
    static var missingAllowed: Self {
        var requirement = Self()
        requirement.allowMissing = Google_Protobuf_Empty()
        return requirement
    }

    static func anyOf(_ requirements: [Self]) -> Self {
        var requirement = Self()
        requirement.requiresAny.requirements = requirements
        return requirement
    }

    static func allOf(_ requirements: [Self]) -> Self {
        var requirement = Self()
        requirement.requiresAll.requirements = requirements
        return requirement
    }
}
