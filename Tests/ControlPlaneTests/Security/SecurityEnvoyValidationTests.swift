import ControlPlane
import Foundation
import SwiftProtobuf
import Testing
import XDS

/// Envoy 1.40 itself accepts every construct the security translation emits: the
/// generated filters go into a static bootstrap (an HTTP listener with them before
/// the router, a TCP listener with network RBAC before tcp_proxy) checked by
/// `envoy --mode validate`.
@Suite("Security: Envoy accepts the generated filters")
struct SecurityEnvoyValidationTests {
    typealias F = SecurityFixtures

    /// Every rule kind, every action, dry runs, CUSTOM, and JWT with local and remote keys.
    static let everything =
        """
        apiVersion: v1
        kind: Service
        metadata: {name: auth, namespace: foo}
        spec: {selector: {app: auth}, ports: [{name: http, port: 8080}]}
        ---

        """
        + F.policy("allow", spec: """
            rules:
            - from:
              - source:
                  principals: ["cluster.local/ns/foo/sa/sleep", "*/sa/admin", "cluster.local/ns/bar/*", "*"]
                  notPrincipals: ["cluster.local/ns/foo/sa/blocked"]
                  requestPrincipals: ["https://issuer.example/alice", "*", "https://other.example/*", "*/bob"]
                  notRequestPrincipals: ["https://issuer.example/mallory"]
                  namespaces: ["foo", "team-*"]
                  notNamespaces: ["team-x"]
                  ipBlocks: ["10.0.0.0/8", "fd00::/8"]
                  notIpBlocks: ["10.9.9.9"]
                  remoteIpBlocks: ["192.168.0.0/16"]
                  notRemoteIpBlocks: ["192.168.9.9"]
              - source: {serviceAccounts: ["sleep", "bar/api"]}
              to:
              - operation:
                  hosts: ["httpbin.foo.svc.cluster.local", "*.example.com", "api.*"]
                  notHosts: ["admin.example.com"]
                  ports: ["8000", "9000"]
                  notPorts: ["9001"]
                  methods: ["GET", "POST"]
                  notMethods: ["DELETE"]
                  paths: ["/info", "/api/*", "*.png", "*"]
                  notPaths: ["/api/admin"]
              when:
              - {key: "request.headers[x-token]", values: ["secret-*", "*"], notValues: ["*-revoked"]}
              - {key: source.ip, values: ["10.0.0.0/8"]}
              - {key: remote.ip, notValues: ["1.2.3.4"]}
              - {key: source.namespace, values: ["foo"]}
              - {key: source.principal, values: ["cluster.local/ns/foo/sa/sleep"]}
              - {key: request.auth.principal, values: ["https://issuer.example/alice"]}
              - {key: request.auth.audiences, values: ["httpbin"]}
              - {key: request.auth.presenter, values: ["web"]}
              - {key: "request.auth.claims[groups]", values: ["admins"]}
              - {key: "request.auth.claims[nested][role]", values: ["owner"]}
              - {key: destination.ip, values: ["10.0.0.1"]}
              - {key: destination.port, values: ["8000"]}
              - {key: connection.sni, values: ["*.foo.svc.cluster.local"]}
            """)
        + F.policy("deny", spec: "action: DENY\nrules:\n- to:\n  - operation: {methods: [TRACE], ports: [\"8000\"]}")
        + F.policy("audit", spec: "action: AUDIT\nrules:\n- {}")
        + F.policy("deny-all", namespace: "istio-system", spec: "{}")
        + F.policy("dry", annotations: "istio.io/dry-run: \"true\"", spec: "action: DENY\nrules:\n- {}")
        + F.policy("custom", spec: "action: CUSTOM\nprovider: {name: opa}\nrules:\n- to:\n  - operation: {paths: [\"/x\"]}")
        + F.requestAuthentication("local", spec: """
            jwtRules:
            \(RequestAuthenticationTests.fullRule)
            - {issuer: mesh, jwksUri: "http://auth.foo.svc.cluster.local:8080/jwks"}
            - {issuer: external, jwksUri: "https://keys.example.com/jwks", timeout: 1.5s}
            - {issuer: discovery-only}
            """)

    @Test("every construct validates in Envoy 1.40, including jwt_authn with local and remote keys")
    func everythingValidates() async throws {
        let filters = InboundPolicyFilters(context: try F.context(Self.everything), proxy: try F.proxy())
        let http = try filters.httpFilters()
        let network = try filters.networkFilters()
        #expect(http.map(\.name) == ["envoy.filters.http.jwt_authn"] + Array(repeating: "envoy.filters.http.rbac", count: 4))
        #expect(network.count == 4)
        // The mesh service's cluster exists; keys.example.com's does not (no
        // ServiceEntry): Envoy must still accept the listener.
        try await Self.validate(http: http, network: network, clusters: ["outbound|8080||auth.foo.svc.cluster.local"])
    }

    @Test("an ALLOW whose rules all drop on TCP (empty policies) and a deny-all validate")
    func emptyPolicies() async throws {
        let yaml = F.policy("get-only", spec: "rules:\n- to:\n  - operation: {methods: [GET]}") + F.policy("none", spec: "{}")
        let filters = InboundPolicyFilters(context: try F.context(yaml), proxy: try F.proxy())
        try await Self.validate(
            http: try filters.httpFilters(), network: try filters.networkFilters(), clusters: [])
    }

    /// Runs `envoy --mode validate` on a bootstrap holding the filters.
    static func validate(
        http: [Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_HttpFilter],
        network: [Envoy_Config_Listener_V3_Filter], clusters: [String]
    ) async throws {
        EnvoyTypeRegistry.registerAll()
        var options = JSONEncodingOptions()
        options.preserveProtoFieldNames = true
        func object(_ message: some SwiftProtobuf.Message) throws -> Any {
            try JSONSerialization.jsonObject(with: Data(try message.jsonString(options: options).utf8))
        }
        func staticCluster(_ name: String, port: Int) -> [String: Any] {
            [
                "name": name, "type": "STATIC", "connect_timeout": "1s",
                "load_assignment": [
                    "cluster_name": name,
                    "endpoints": [["lb_endpoints": [["endpoint": ["address": ["socket_address": ["address": "127.0.0.1", "port_value": port]]]]]]],
                ] as [String: Any],
            ]
        }
        var router = Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_HttpFilter()
        router.name = "envoy.filters.http.router"
        router.typedConfig = try XDSResource.pack(Envoy_Extensions_Filters_Http_Router_V3_Router())
        let manager: [String: Any] = [
            "@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
            "stat_prefix": "inbound_0.0.0.0_8000",
            "route_config": [
                "name": "inbound|8000||",
                "virtual_hosts": [[
                    "name": "inbound|http|8000", "domains": ["*"],
                    "routes": [["match": ["prefix": "/"], "route": ["cluster": "inbound|8000||"]]],
                ] as [String: Any]],
            ] as [String: Any],
            "http_filters": try (http + [router]).map { try object($0) },
        ]
        var tcpProxy = Envoy_Extensions_Filters_Network_TcpProxy_V3_TcpProxy()
        tcpProxy.statPrefix = "inbound|9000||"
        tcpProxy.cluster = "inbound|9000||"
        var tcpFilter = Envoy_Config_Listener_V3_Filter()
        tcpFilter.name = "envoy.filters.network.tcp_proxy"
        tcpFilter.typedConfig = try XDSResource.pack(tcpProxy)
        func listener(_ name: String, port: Int, filters: [Any]) -> [String: Any] {
            [
                "name": name,
                "address": ["socket_address": ["address": "127.0.0.1", "port_value": port]],
                "filter_chains": [["filters": filters]],
            ]
        }
        let bootstrap: [String: Any] = [
            "node": ["id": "sidecar~10.0.0.1~httpbin.foo~foo.svc.cluster.local", "cluster": "httpbin.foo"],
            "static_resources": [
                "listeners": [
                    listener("0.0.0.0_8000", port: 8000, filters: [["name": "envoy.filters.network.http_connection_manager", "typed_config": manager]]),
                    listener("0.0.0.0_9000", port: 9000, filters: try (network + [tcpFilter]).map { try object($0) }),
                ],
                "clusters": [staticCluster("inbound|8000||", port: 8000), staticCluster("inbound|9000||", port: 9000)]
                    + clusters.map { staticCluster($0, port: 8080) },
            ] as [String: Any],
        ]
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("controld-security-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("bootstrap.json")
        try JSONSerialization.data(withJSONObject: bootstrap, options: [.prettyPrinted, .sortedKeys]).write(to: file)
        let result = try await ToolRun.run(
            try EnvoyValidation.binary(), ["--mode", "validate", "-c", file.path, "--disable-hot-restart", "--log-level", "warn"])
        #expect(result.status == 0, "envoy --mode validate refused the filters:\n\(result.output.suffix(3000))")
    }
}
