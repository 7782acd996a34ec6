import ControlPlane
import Testing
import XDS

/// RequestAuthentication → jwt_authn: providers, key sources and the requirement
/// that rejects invalid tokens but lets requests without one through.
@Suite("Security: RequestAuthentication → jwt_authn")
struct RequestAuthenticationTests {
    typealias F = SecurityFixtures

    static let jwks = #"{"keys":[{"kty":"RSA","e":"AQAB","kid":"test","n":"ply6cU1P4DeVx_yWeFFGSR085T_RL_t-b0H7rsonrlUQcTkPBCxKc-dKADjtB19BzZZIEQEN25Yh4EqNJqgMaSIzGYRuFmkWLpYqAFI-L4WTD38KX1Szm-oh1Iy21E2iWCH9RyVP18lqFRnp6oB7RnBEotbk9HD0dgpjIPeDXOq754os3z-w5RRwrHHqxiIKC-y7X-BvLPm5qF6YkSm0_Z5xmh2_lAt2qUFWgfbXLkyrUSc6KeDiblJLQNhwXpmppLNYRZxEc0m1cDbWhN_fpM2ttnRDy3tit7cShx1xvB6zz3AQxxsvK8VZ7qG4B0ZX9Q4kjRngY5KYwH3zVE9Rgw"}]}"#

    /// A `jwtRules` entry using every field translation reads.
    static let fullRule = """
        - issuer: https://issuer.example
          audiences: [httpbin, api]
          jwks: '\(jwks)'
          fromHeaders: [{name: x-jwt, prefix: "Bearer "}]
          fromParams: [token]
          fromCookies: [session]
          outputPayloadToHeader: x-jwt-payload
          outputClaimToHeaders: [{header: x-sub, claim: sub}]
          forwardOriginalToken: true
          spaceDelimitedClaims: [roles]
        """

    static func jwtConfig(_ yaml: String) throws -> Envoy_Extensions_Filters_Http_JwtAuthn_V3_JwtAuthentication {
        let filters = InboundPolicyFilters(context: try F.context(yaml), proxy: try F.proxy())
        let http = try filters.httpFilters()
        #expect(http.first?.name == "envoy.filters.http.jwt_authn", "jwt_authn comes first")
        return try #require(try F.jwt(http))
    }

    @Test("one rule: a provider with every field, its token valid when present (requires_any: provider, allow_missing)")
    func oneProvider() throws {
        let config = try Self.jwtConfig(F.requestAuthentication(
            "jwt", spec: "selector: {matchLabels: {app: httpbin}}\njwtRules:\n" + Self.fullRule))
        let provider = try #require(config.providers["origins-0"])
        #expect(provider.issuer == "https://issuer.example")
        #expect(provider.audiences == ["httpbin", "api"])
        #expect(provider.localJwks.inlineString == Self.jwks)
        #expect(provider.fromHeaders.map { "\($0.name)|\($0.valuePrefix)" } == ["x-jwt|Bearer "])
        #expect(provider.fromParams == ["token"])
        #expect(provider.fromCookies == ["session"])
        #expect(provider.forwardPayloadHeader == "x-jwt-payload")
        #expect(provider.claimToHeaders.map { "\($0.headerName)=\($0.claimName)" } == ["x-sub=sub"])
        #expect(provider.forward)
        #expect(provider.payloadInMetadata == "payload", "RBAC reads request principals from here")
        #expect(provider.normalizePayloadInMetadata.spaceDelimitedClaims == ["permission", "roles", "scope"])
        #expect(config.bypassCorsPreflight)
        #expect(config.rules.count == 1)
        #expect(config.rules[0].match.prefix == "/")
        #expect(try F.json(config.rules[0].requires) == #"{"requires_any":{"requirements":[{"provider_name":"origins-0"},{"allow_missing":{}}]}}"#)
    }

    @Test("several rules: providers sorted by issuer; each present token must be valid, or one provider accepts it")
    func severalProviders() throws {
        let config = try Self.jwtConfig(
            F.requestAuthentication("b", spec: "jwtRules:\n- {issuer: zeta, jwks: '\(Self.jwks)'}")
                + F.requestAuthentication("a", namespace: "istio-system", spec: "jwtRules:\n- {issuer: alpha, jwks: '\(Self.jwks)'}"))
        #expect(config.providers["origins-0"]?.issuer == "alpha")
        #expect(config.providers["origins-1"]?.issuer == "zeta")
        #expect(try F.json(config.rules[0].requires) == """
            {"requires_any":{"requirements":[{"provider_name":"origins-0"},{"provider_name":"origins-1"},\
            {"requires_all":{"requirements":[\
            {"requires_any":{"requirements":[{"provider_name":"origins-0"},{"allow_missing":{}}]}},\
            {"requires_any":{"requirements":[{"provider_name":"origins-1"},{"allow_missing":{}}]}}]}}]}}
            """)
    }

    @Test("jwksUri on a mesh service: Envoy fetches it through the service's outbound cluster")
    func remoteMeshService() throws {
        let config = try Self.jwtConfig(
            """
            apiVersion: v1
            kind: Service
            metadata: {name: auth, namespace: foo}
            spec: {selector: {app: auth}, ports: [{name: http, port: 8080}]}
            ---

            """ + F.requestAuthentication("jwt", spec: "jwtRules:\n- {issuer: mesh, jwksUri: \"http://auth.foo.svc.cluster.local:8080/jwks\", timeout: 2s}"))
        let remote = try #require(config.providers["origins-0"]?.remoteJwks)
        #expect(remote.httpUri.uri == "http://auth.foo.svc.cluster.local:8080/jwks")
        #expect(remote.httpUri.cluster == "outbound|8080||auth.foo.svc.cluster.local")
        #expect(remote.httpUri.timeout.seconds == 2)
        #expect(remote.cacheDuration.seconds == 300)
    }

    @Test("jwksUri on another host: outbound|443||HOST, which a ServiceEntry for the host provides")
    func remoteExternal() throws {
        let config = try Self.jwtConfig(
            F.requestAuthentication("jwt", spec: "jwtRules:\n- {issuer: ext, jwksUri: \"https://keys.example.com/.well-known/jwks.json\"}"))
        let remote = try #require(config.providers["origins-0"]?.remoteJwks)
        #expect(remote.httpUri.cluster == "outbound|443||keys.example.com")
        #expect(remote.httpUri.timeout.seconds == 5)
    }

    @Test("a RequestAuthentication alone adds only jwt_authn; with a policy jwt_authn precedes RBAC")
    func order() throws {
        let jwt = F.requestAuthentication("jwt", spec: "jwtRules:\n- {issuer: a, jwks: '\(Self.jwks)'}")
        let alone = InboundPolicyFilters(context: try F.context(jwt), proxy: try F.proxy())
        #expect(try alone.httpFilters().map(\.name) == ["envoy.filters.http.jwt_authn"])
        #expect(try alone.networkFilters().isEmpty)
        let both = InboundPolicyFilters(
            context: try F.context(jwt + F.policy("need-jwt", spec: "rules:\n- from:\n  - source: {requestPrincipals: [\"*\"]}")),
            proxy: try F.proxy())
        #expect(try both.httpFilters().map(\.name) == ["envoy.filters.http.jwt_authn", "envoy.filters.http.rbac"])
    }

    @Test("inline keys Envoy could not load, or no key source, become a key set no token verifies against")
    func unloadableKeys() throws {
        let config = try Self.jwtConfig(F.requestAuthentication("jwt", spec: """
            jwtRules:
            - {issuer: broken, jwks: '{"keys":[]}'}
            - {issuer: discovery}
            - {issuer: good, jwks: '\(Self.jwks)'}
            """))
        let keys = config.providers.sorted { $0.key < $1.key }.map(\.value.localJwks.inlineString)
        #expect(keys[0].contains("controld-unmatchable"))
        #expect(keys[1].contains("controld-unmatchable"))
        #expect(keys[2] == Self.jwks)
    }
}
