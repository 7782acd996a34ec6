import Foundation
import Testing
import XDS

@testable import Daemon

@Suite("proxy-status table")
struct ProxyStatusTableTests {
    /// A `/debug/syncz` body as the server writes it: two proxies, out of order.
    static let syncz = """
        [
          {
            "connectedAt": "2026-01-01T00:00:00Z", "connectionID": "b-2", "controlPlane": "controld-0.1.0",
            "protocolVariant": "delta", "proxyID": "sidecar~10.0.0.2~b.default~default.svc.cluster.local",
            "proxyType": "sidecar",
            "types": [
              {"typeURL": "type.googleapis.com/envoy.config.cluster.v3.Cluster", "state": "NACKED",
               "lastRejection": "cluster x: bad", "resourceCount": 1, "responses": 2},
              {"typeURL": "type.googleapis.com/envoy.config.listener.v3.Listener", "state": "STALE",
               "resourceCount": 1, "responses": 1}
            ]
          },
          {
            "clusterID": "Kubernetes", "connectedAt": "2026-01-01T00:00:00Z", "connectionID": "a-1",
            "controlPlane": "controld-0.1.0", "istioVersion": "1.28.0", "protocolVariant": "sotw",
            "proxyID": "router~10.0.0.1~a.default~default.svc.cluster.local", "proxyType": "router",
            "types": [
              {"typeURL": "type.googleapis.com/envoy.config.cluster.v3.Cluster", "state": "SYNCED",
               "sentAt": "2026-01-01T00:00:01Z", "resourceCount": 3, "responses": 1},
              {"typeURL": "type.googleapis.com/envoy.config.listener.v3.Listener", "state": "SYNCED",
               "resourceCount": 1, "responses": 1},
              {"typeURL": "type.googleapis.com/envoy.config.route.v3.RouteConfiguration", "state": "SYNCED",
               "resourceCount": 1, "responses": 1}
            ]
          }
        ]
        """

    @Test("one row per proxy, sorted, with istioctl's words and '-' for what is unknown")
    func rows() throws {
        let statuses = try SyncStatusJSON.decode(Data(Self.syncz.utf8))
        #expect(
            ProxyStatusTable.make(statuses).rendered == """
                NAME                                                     CLUSTER        CDS        LDS        EDS          RDS          ISTIOD             VERSION
                router~10.0.0.1~a.default~default.svc.cluster.local      Kubernetes     SYNCED     SYNCED     NOT SENT     SYNCED       controld-0.1.0     1.28.0
                sidecar~10.0.0.2~b.default~default.svc.cluster.local     -              NACKED     STALE      NOT SENT     NOT SENT     controld-0.1.0     -

                """)
    }

    @Test("syncz JSON round-trips with sorted keys and RFC 3339 dates")
    func json() throws {
        let statuses = try SyncStatusJSON.decode(Data(Self.syncz.utf8))
        let data = try SyncStatusJSON.encode(statuses)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"connectedAt\" : \"2026-01-01T00:00:00Z\""))
        #expect(text.contains("\"sentAt\" : \"2026-01-01T00:00:01Z\""))
        let firstKeys = text.split(separator: "\n").prefix(while: { !$0.contains("\"types\"") })
            .compactMap { $0.split(separator: "\"").dropFirst().first }
        #expect(firstKeys == firstKeys.sorted())
        #expect(try SyncStatusJSON.decode(data) == statuses)
    }
}
