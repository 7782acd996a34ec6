import Foundation
import SwiftProtobuf
import Testing
import XDS

@testable import Daemon

@Suite("Config dump JSON")
struct ConfigDumpJSONTests {
    private func object(_ data: Data) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test("a listener holding an HCM with a router renders to JSON with each nested @type")
    func nestedAny() throws {
        EnvoyTypeRegistry.registerAll()
        let resource = try XDSResource(name: "0.0.0.0_9080", message: EnvoyFixtures.listener())
        var options = JSONEncodingOptions()
        options.preserveProtoFieldNames = true
        let listener = try object(try resource.any.jsonUTF8Data(options: options))
        #expect(listener["@type"] as? String == "type.googleapis.com/envoy.config.listener.v3.Listener")
        let chains = try #require(listener["filter_chains"] as? [[String: Any]])
        let filter = try #require((chains.first?["filters"] as? [[String: Any]])?.first)
        let manager = try #require(filter["typed_config"] as? [String: Any])
        #expect(
            manager["@type"] as? String
                == "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager")
        #expect((manager["rds"] as? [String: Any])?["route_config_name"] as? String == "9080")
        let router = try #require((manager["http_filters"] as? [[String: Any]])?.first?["typed_config"] as? [String: Any])
        #expect(router["@type"] as? String == "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router")
    }

    @Test("the dump has Envoy's five config kinds with their field names, versions and times")
    func shape() throws {
        let sent = try EnvoyFixtures.sent()
        let when = Date(timeIntervalSince1970: 1_767_225_600.25)  // 2026-01-01T00:00:00.250Z
        let data = try ConfigDumpJSON.render(resources: sent, sentAt: [.cluster: when, .listener: when])
        let configs = try #require(try object(data)["configs"] as? [[String: Any]])
        #expect(
            configs.map { $0["@type"] as? String } == [
                "type.googleapis.com/envoy.admin.v3.ClustersConfigDump",
                "type.googleapis.com/envoy.admin.v3.ListenersConfigDump",
                "type.googleapis.com/envoy.admin.v3.RoutesConfigDump",
                "type.googleapis.com/envoy.admin.v3.EndpointsConfigDump",
                "type.googleapis.com/envoy.admin.v3.SecretsConfigDump",
            ])

        let clusters = try #require(configs[0]["dynamic_active_clusters"] as? [[String: Any]])
        #expect(clusters.count == 2)
        #expect(clusters[0]["version_info"] as? String == sent[.cluster]![0].version)
        #expect(clusters[0]["last_updated"] as? String == "2026-01-01T00:00:00.250Z")
        let cluster = try #require(clusters[0]["cluster"] as? [String: Any])
        #expect(cluster["@type"] as? String == "type.googleapis.com/envoy.config.cluster.v3.Cluster")
        #expect(cluster["name"] as? String == EnvoyFixtures.clusterName)

        let listeners = try #require(configs[1]["dynamic_listeners"] as? [[String: Any]])
        #expect(listeners.first?["name"] as? String == "0.0.0.0_9080")
        let active = try #require(listeners.first?["active_state"] as? [String: Any])
        #expect(Set(active.keys) == ["version_info", "listener", "last_updated"])

        let routes = try #require(configs[2]["dynamic_route_configs"] as? [[String: Any]])
        #expect((routes.first?["route_config"] as? [String: Any])?["name"] as? String == "9080")
        // Routes were never sent in this fixture's timeline: no time to report.
        #expect(routes.first?["last_updated"] == nil)
        let endpoints = try #require(configs[3]["dynamic_endpoint_configs"] as? [[String: Any]])
        #expect((endpoints.first?["endpoint_config"] as? [String: Any])?["cluster_name"] as? String
            == EnvoyFixtures.clusterName)
        let secrets = try #require(configs[4]["dynamic_active_secrets"] as? [[String: Any]])
        #expect(secrets.first?["name"] as? String == "ROOTCA")
        #expect((secrets.first?["secret"] as? [String: Any])?["validation_context"] != nil)
    }

    @Test("equal input renders byte-identical output")
    func deterministic() throws {
        let sent = try EnvoyFixtures.sent()
        #expect(try ConfigDumpJSON.render(resources: sent, sentAt: [:]) == ConfigDumpJSON.render(resources: sent, sentAt: [:]))
    }
}
