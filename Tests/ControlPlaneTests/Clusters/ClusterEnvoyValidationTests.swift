import ControlPlane
import Discovery
import Foundation
import SwiftProtobuf
import Testing
import XDS

/// Every policy the translation produces, handed to the real Envoy: the proof that
/// Envoy accepts what we generate, not only that the fields are what we meant.
@Suite struct ClusterEnvoyValidationTests {
    /// One DestinationRule shape; its name becomes the cluster's subset so that all
    /// clusters can share one bootstrap.
    struct Scenario {
        var name: String
        var policy: String?
        var subsetPolicy: String? = nil
        var portProtocol: PortProtocol = .http
        /// Its TLS fetches secrets over ADS, which `--mode validate` cannot load.
        var adsSecrets = false
        var adjust: @Sendable (inout ClusterPolicyInput) -> Void = { _ in }
    }

    static func scenarios(certificates dir: URL) -> [Scenario] {
        let cert = dir.appendingPathComponent("cert.pem").path
        let key = dir.appendingPathComponent("key.pem").path
        return [
            Scenario(name: "no-rule"),
            Scenario(name: "no-rule-grpc", portProtocol: .grpc),
            Scenario(name: "no-auto-mtls", adjust: { $0.enableAutoMtls = false }),
            Scenario(name: "round-robin-warmup", policy: #"{"loadBalancer": {"simple": "ROUND_ROBIN", "warmup": {"duration": "30s"}}}"#),
            Scenario(name: "least-request-warmup-secs", policy: #"{"loadBalancer": {"simple": "LEAST_REQUEST", "warmupDurationSecs": "10s"}}"#),
            Scenario(name: "random", policy: #"{"loadBalancer": {"simple": "RANDOM"}}"#),
            Scenario(name: "passthrough", policy: #"{"loadBalancer": {"simple": "PASSTHROUGH"}}"#),
            Scenario(name: "ring-hash", policy: #"{"loadBalancer": {"consistentHash": {"httpHeaderName": "x-user", "ringHash": {"minimumRingSize": 2048}}}}"#),
            Scenario(name: "ring-hash-default", policy: #"{"loadBalancer": {"consistentHash": {"useSourceIp": true}}}"#),
            Scenario(name: "maglev", policy: #"{"loadBalancer": {"consistentHash": {"httpQueryParameterName": "id", "maglev": {"tableSize": 65537}}}}"#),
            Scenario(
                name: "locality-distribute",
                policy: #"{"loadBalancer": {"localityLbSetting": {"distribute": [{"from": "a/*", "to": {"b/*": 100}}]}}}"#),
            Scenario(
                name: "locality-failover",
                policy: #"{"loadBalancer": {"localityLbSetting": {"failover": [{"from": "a", "to": "b"}]}}, "outlierDetection": {"consecutive5xxErrors": 2}}"#),
            Scenario(name: "zone-aware", policy: #"{"loadBalancer": {"zoneAwareLbSetting": {"minClusterSize": 4}}}"#),
            Scenario(
                name: "connection-pool",
                policy: """
                {"connectionPool": {"tcp": {"maxConnections": 100, "connectTimeout": "250ms", "maxConnectionDuration": "1h",
                  "tcpKeepalive": {"probes": 3, "time": "600s", "interval": "75s"}},
                  "http": {"http1MaxPendingRequests": 10, "http2MaxRequests": 1000, "maxRequestsPerConnection": 5,
                  "maxRetries": 3, "idleTimeout": "30s"}}, "retryBudget": {"percent": 25, "minRetryConcurrency": 5}}
                """),
            Scenario(
                name: "http2-pool",
                policy: #"{"connectionPool": {"http": {"maxConcurrentStreams": 50, "http2KeepAlive": {"interval": "10s", "timeout": "3s"}}}}"#,
                portProtocol: .grpc),
            Scenario(name: "h2-upgrade", policy: #"{"connectionPool": {"http": {"h2UpgradePolicy": "UPGRADE"}}}"#),
            Scenario(name: "client-protocol", policy: #"{"connectionPool": {"http": {"useClientProtocol": true}}}"#),
            Scenario(
                name: "outlier",
                policy: """
                {"outlierDetection": {"consecutive5xxErrors": 5, "consecutiveGatewayErrors": 3, "interval": "10s",
                  "baseEjectionTime": "30s", "maxEjectionPercent": 50, "minHealthPercent": 20,
                  "splitExternalLocalOriginErrors": true, "consecutiveLocalOriginFailures": 4}}
                """),
            Scenario(
                name: "outlier-codes",
                policy: #"{"outlierDetection": {"consecutive5xxErrors": 2, "outlierDetectionHttpErrorCodes": [502, 503, 429]}}"#),
            Scenario(name: "proxy-protocol-auto-mtls", policy: #"{"proxyProtocol": {"version": "V2"}}"#),
            Scenario(
                name: "proxy-protocol-plain", policy: #"{"proxyProtocol": {"version": "V1"}}"#,
                adjust: { $0.enableAutoMtls = false }),
            Scenario(name: "istio-mutual", policy: #"{"tls": {"mode": "ISTIO_MUTUAL"}}"#, portProtocol: .grpc),
            Scenario(name: "disable", policy: #"{"tls": {"mode": "DISABLE"}}"#),
            Scenario(name: "simple-system-roots", policy: #"{"tls": {"mode": "SIMPLE"}}"#),
            Scenario(
                name: "simple-ca-sans",
                policy: #"{"tls": {"mode": "SIMPLE", "caCertificates": "\#(cert)", "sni": "api.example.com", "subjectAltNames": ["api.example.com"]}}"#,
                portProtocol: .http2),
            Scenario(name: "simple-insecure", policy: #"{"tls": {"mode": "SIMPLE", "insecureSkipVerify": true}}"#),
            Scenario(
                name: "mutual-files",
                policy: #"{"tls": {"mode": "MUTUAL", "clientCertificate": "\#(cert)", "privateKey": "\#(key)", "caCertificates": "\#(cert)"}}"#),
            Scenario(
                name: "mutual-credential",
                policy: #"{"tls": {"mode": "MUTUAL", "credentialName": "client-creds", "sni": "db.example"}}"#,
                adsSecrets: true),
            Scenario(
                name: "simple-credential",
                policy: #"{"tls": {"mode": "SIMPLE", "credentialName": "creds", "subjectAltNames": ["db.example"]}}"#,
                adsSecrets: true),
            Scenario(name: "simple-credential-insecure", policy: #"{"tls": {"mode": "SIMPLE", "credentialName": "creds", "insecureSkipVerify": true}}"#),
            Scenario(
                name: "subset-merge",
                policy: #"{"loadBalancer": {"simple": "RANDOM"}, "tls": {"mode": "ISTIO_MUTUAL"}}"#,
                subsetPolicy: #"{"portLevelSettings": [{"port": {"number": 9080}, "connectionPool": {"tcp": {"maxConnections": 1}}}]}"#),
        ]
    }

    /// A STATIC cluster with one local endpoint labelled for Istio mTLS, so the
    /// bootstrap needs no control plane.
    static func staticCluster(for input: ClusterPolicyInput) -> Envoy_Config_Cluster_V3_Cluster {
        var cluster = Envoy_Config_Cluster_V3_Cluster()
        cluster.name = input.clusterName
        cluster.type = .static
        cluster.connectTimeout = Google_Protobuf_Duration(seconds: 10)
        var socket = Envoy_Config_Core_V3_SocketAddress()
        socket.address = "127.0.0.1"
        socket.portValue = UInt32(input.port)
        var address = Envoy_Config_Core_V3_Address()
        address.socketAddress = socket
        var endpoint = Envoy_Config_Endpoint_V3_Endpoint()
        endpoint.address = address
        var lbEndpoint = Envoy_Config_Endpoint_V3_LbEndpoint()
        lbEndpoint.endpoint = endpoint
        var metadata = Envoy_Config_Core_V3_Metadata()
        metadata.filterMetadata["envoy.transport_socket_match"] =
            Google_Protobuf_Struct(fields: ["tlsMode": Google_Protobuf_Value(stringValue: "istio")])
        lbEndpoint.metadata = metadata
        var locality = Envoy_Config_Endpoint_V3_LocalityLbEndpoints()
        locality.lbEndpoints = [lbEndpoint]
        var assignment = Envoy_Config_Endpoint_V3_ClusterLoadAssignment()
        assignment.clusterName = input.clusterName
        assignment.endpoints = [locality]
        cluster.loadAssignment = assignment
        return cluster
    }

    /// A self-signed certificate and its key, for the file-based TLS scenarios.
    static func makeCertificate(in dir: URL) async throws {
        let result = try await ToolRun.run(
            URL(fileURLWithPath: "/usr/bin/env"),
            [
                "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=validate.example",
                "-keyout", dir.appendingPathComponent("key.pem").path, "-out", dir.appendingPathComponent("cert.pem").path,
            ])
        #expect(result.status == 0, "openssl could not make a test certificate: \(result.output)")
    }

    /// A fresh directory with a test certificate; removed by the caller.
    static func workDirectory() async throws -> URL {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("cluster-policy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try await makeCertificate(in: dir)
        return dir
    }

    /// Every scenario's cluster, built from a STATIC skeleton.
    static func clusters(in dir: URL) throws -> [(scenario: Scenario, cluster: Envoy_Config_Cluster_V3_Cluster)] {
        try scenarios(certificates: dir).map { scenario in
            var input = try ClusterFixture.input(
                scenario.policy, subset: scenario.name, subsetJSON: scenario.subsetPolicy,
                protocol: scenario.portProtocol)
            scenario.adjust(&input)
            var cluster = staticCluster(for: input)
            try ClusterPolicy.apply(input, to: &cluster)
            return (scenario, cluster)
        }
    }

    @Test func envoyValidatesEveryGeneratedPolicyInABootstrap() async throws {
        let dir = try await Self.workDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let clusters = try Self.clusters(in: dir).filter { !$0.scenario.adsSecrets }.map(\.cluster)
        #expect(Set(clusters.map(\.name)).count == clusters.count)
        try await EnvoyValidator.validate(clusters, in: dir)
    }

    @Test func envoyAddsEveryGeneratedPolicyOverCDS() async throws {
        let dir = try await Self.workDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let clusters = try Self.clusters(in: dir).map(\.cluster)
        let verdict = try await EnvoyValidator.runOverCDS(clusters, in: dir)
        #expect(verdict == nil, "\(verdict ?? "")")
    }

    @Test func equalInputGivesByteIdenticalClusters() async throws {
        let dir = try await Self.workDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let first = try Self.clusters(in: dir).map { try XDSResource(name: $0.cluster.name, message: $0.cluster) }
        let second = try Self.clusters(in: dir).map { try XDSResource(name: $0.cluster.name, message: $0.cluster) }
        #expect(first.map(\.version) == second.map(\.version))
    }

    @Test func envoyRefusesABrokenCluster() async throws {
        // The checks have teeth: a ring hash larger than Envoy allows is refused.
        let dir = try await Self.workDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var cluster = Self.staticCluster(for: try ClusterFixture.input())
        cluster.lbPolicy = .ringHash
        var ring = Envoy_Config_Cluster_V3_Cluster.RingHashLbConfig()
        ring.minimumRingSize = Google_Protobuf_UInt64Value(UInt64(100_000_000))
        cluster.ringHashLbConfig = ring
        await #expect(throws: EnvoyValidator.Failure.self) { try await EnvoyValidator.validate([cluster], in: dir) }
        let verdict = try await EnvoyValidator.runOverCDS([cluster], in: dir)
        #expect(verdict?.contains("rejected") == true)
    }
}
