import Foundation
import Testing
import XDS

@testable import Daemon

/// What `controld proxy-config` prints, read back from a rendered config dump.
@Suite("proxy-config tables")
struct ProxyConfigTablesTests {
    private func reader() throws -> ConfigDumpReader {
        try ConfigDumpReader(ConfigDumpJSON.render(resources: EnvoyFixtures.sent(), sentAt: [:]))
    }

    @Test("clusters: Istio names split into service, port, subset and direction; others whole")
    func clusters() throws {
        #expect(
            try reader().table(.clusters).rendered == """
                SERVICE FQDN                          PORT     SUBSET     DIRECTION     TYPE             DESTINATION RULE
                PassthroughCluster                    -        -          -             ORIGINAL_DST     -
                reviews.default.svc.cluster.local     9080     v1         outbound      EDS              reviews.default

                """)
    }

    @Test("listeners: one row per filter chain, with its route")
    func listeners() throws {
        #expect(
            try reader().table(.listeners).rendered == """
                ADDRESSES PORT MATCH DESTINATION
                0.0.0.0   9080 ALL   Route: 9080

                """)
    }

    @Test("routes: one row per route, with its virtual service")
    func routes() throws {
        #expect(
            try reader().table(.routes).rendered == """
                NAME     VHOST NAME                                 DOMAINS                                       MATCH     VIRTUAL SERVICE
                9080     reviews.default.svc.cluster.local:9080     reviews.default.svc.cluster.local,reviews     /*        reviews.default

                """)
    }

    @Test("endpoints and secrets")
    func endpointsAndSecrets() throws {
        #expect(
            try reader().table(.endpoints).rendered == """
                ENDPOINT          STATUS      OUTLIER CHECK     CLUSTER
                10.0.0.7:9080     HEALTHY     -                 outbound|9080|v1|reviews.default.svc.cluster.local

                """)
        #expect(
            try reader().table(.secrets).rendered == """
                RESOURCE NAME     TYPE     STATUS     VALID CERT     SERIAL NUMBER     NOT AFTER     NOT BEFORE
                ROOTCA            CA       ACTIVE     -              -                 -             -

                """)
    }

    @Test("-o json prints the resources of one kind, each with its @type")
    func json() throws {
        let text = try reader().json(.clusters)
        let clusters = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])
        #expect(clusters.map { $0["name"] as? String } == [EnvoyFixtures.clusterName, "PassthroughCluster"])
        #expect(clusters.allSatisfy { $0["@type"] as? String == TypeURL.cluster.rawValue })
        let empty = try ConfigDumpReader(ConfigDumpJSON.render(resources: [:], sentAt: [:]))
        #expect(try empty.json(.secrets) == "[]")
        #expect(try empty.table(.listeners).rendered == "ADDRESSES PORT MATCH DESTINATION\n")
    }

    @Test("kinds take istioctl's singular spellings too")
    func kinds() {
        #expect(ProxyConfigKind(kind: "cluster") == .clusters)
        #expect(ProxyConfigKind(kind: "routes") == .routes)
        #expect(ProxyConfigKind(kind: "bootstrap") == nil)
    }

    @Test("a body that is not a config dump is refused with a clear message")
    func malformed() {
        #expect(throws: ConfigDumpReader.Malformed.self) { try ConfigDumpReader(Data("[]".utf8)) }
    }
}
