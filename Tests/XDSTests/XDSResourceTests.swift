import Foundation
import SwiftProtobuf
import Testing
@testable import XDS

@Suite("XDSResource")
struct XDSResourceTests {
    /// Keys in one order and its reverse: enough of them that a dictionary's iteration
    /// order depends on how it was filled.
    static let keys = (0..<64).map { "key-\($0)" }

    static func metadata(_ keys: [String]) -> Google_Protobuf_Struct {
        var fields = Google_Protobuf_Struct()
        for key in keys {
            fields.fields[key] = Google_Protobuf_Value(stringValue: "value of \(key)")
        }
        return fields
    }

    static func cluster(_ keys: [String]) throws -> Envoy_Config_Cluster_V3_Cluster {
        var cluster = Envoy_Config_Cluster_V3_Cluster()
        cluster.name = "outbound|9080||reviews.bookinfo.svc.cluster.local"
        for key in keys {
            cluster.metadata.filterMetadata[key] = metadata(keys)
            var options = Envoy_Extensions_Upstreams_Http_V3_HttpProtocolOptions()
            options.explicitHTTPConfig.http2ProtocolOptions = Envoy_Config_Core_V3_Http2ProtocolOptions()
            var any = Google_Protobuf_Any()
            any.typeURL = "type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions"
            any.value = try options.serializedBytes()
            cluster.typedExtensionProtocolOptions["envoy.extensions.upstreams.http.v3.HttpProtocolOptions.\(key)"] = any
        }
        return cluster
    }

    @Test("a message's type URL is type.googleapis.com/ and its full protobuf name")
    func typeURLFromMessage() throws {
        let cluster = try XDSResource(name: "c", message: Envoy_Config_Cluster_V3_Cluster())
        #expect(cluster.typeURL.rawValue == "type.googleapis.com/envoy.config.cluster.v3.Cluster")
        #expect(cluster.typeURL == .cluster)
        #expect(try XDSResource(name: "e", message: Envoy_Config_Endpoint_V3_ClusterLoadAssignment()).typeURL == .endpoint)
        #expect(try XDSResource(name: "l", message: Envoy_Config_Listener_V3_Listener()).typeURL == .listener)
        #expect(try XDSResource(name: "r", message: Envoy_Config_Route_V3_RouteConfiguration()).typeURL == .route)
        #expect(try XDSResource(name: "s", message: Envoy_Extensions_TransportSockets_Tls_V3_Secret()).typeURL == .secret)
    }

    @Test("the wire Any carries the type URL and the payload, which decodes to the message")
    func anyRoundTrip() throws {
        let message = try Self.cluster(["a", "b"])
        let resource = try XDSResource(name: message.name, message: message)
        #expect(resource.any.typeURL == "type.googleapis.com/envoy.config.cluster.v3.Cluster")
        #expect(resource.any.value == resource.payload)
        let decoded = try Envoy_Config_Cluster_V3_Cluster(serializedBytes: resource.payload)
        #expect(decoded == message)
    }

    @Test("map fields filled in different orders give identical bytes and versions")
    func deterministicMaps() throws {
        let forward = try XDSResource(name: "c", message: Self.cluster(Self.keys))
        let backward = try XDSResource(name: "c", message: Self.cluster(Self.keys.reversed()))
        let shuffled = try XDSResource(name: "c", message: Self.cluster(Self.keys.shuffled()))
        #expect(forward.payload == backward.payload)
        #expect(forward.payload == shuffled.payload)
        #expect(forward.version == backward.version)
        #expect(forward.version == shuffled.version)
        #expect(forward == backward)
    }

    @Test("a message packed in an Any with maps inside is deterministic too")
    func deterministicNestedAny() throws {
        func listener(_ keys: [String]) throws -> Envoy_Config_Listener_V3_Listener {
            var route = Envoy_Config_Route_V3_Route()
            route.name = "default"
            route.metadata.filterMetadata["istio"] = Self.metadata(keys)
            var host = Envoy_Config_Route_V3_VirtualHost()
            host.name = "inbound|http|9080"
            host.domains = ["*"]
            host.routes = [route]
            var manager = Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_HttpConnectionManager()
            manager.statPrefix = "inbound_0.0.0.0_9080"
            manager.routeConfig.virtualHosts = [host]
            var filter = Envoy_Config_Listener_V3_Filter()
            filter.name = "envoy.filters.network.http_connection_manager"
            filter.typedConfig = try XDSResource.pack(manager)
            var chain = Envoy_Config_Listener_V3_FilterChain()
            chain.filters = [filter]
            var listener = Envoy_Config_Listener_V3_Listener()
            listener.name = "virtualInbound"
            listener.filterChains = [chain]
            return listener
        }
        let forward = try XDSResource(name: "virtualInbound", message: listener(Self.keys))
        let backward = try XDSResource(name: "virtualInbound", message: listener(Self.keys.reversed()))
        #expect(forward.payload == backward.payload)
        #expect(forward.version == backward.version)
        let packed = try XDSResource.pack(Envoy_Config_Cluster_V3_Cluster())
        #expect(packed.typeURL == "type.googleapis.com/envoy.config.cluster.v3.Cluster")
    }

    @Test("different content gives a different version; the same bytes the same version")
    func versionFollowsContent() throws {
        var cluster = Envoy_Config_Cluster_V3_Cluster()
        cluster.name = "a"
        let first = try XDSResource(name: "a", message: cluster)
        let again = try XDSResource(name: "a", message: cluster)
        cluster.connectTimeout = Google_Protobuf_Duration(seconds: 10)
        let changed = try XDSResource(name: "a", message: cluster)
        #expect(first.version == again.version)
        #expect(first.version != changed.version)
        #expect(!first.version.isEmpty)
    }

    @Test("a set's version does not depend on order and keeps names and versions apart")
    func setVersion() {
        let one = XDSResource.setVersion(["a": "1", "b": "2"])
        var reordered: [String: String] = [:]
        reordered["b"] = "2"
        reordered["a"] = "1"
        #expect(one == XDSResource.setVersion(reordered))
        #expect(one != XDSResource.setVersion(["a": "1", "b": "3"]))
        #expect(one != XDSResource.setVersion(["a": "1"]))
        // "ab" → "c" is not "a" → "bc".
        #expect(XDSResource.setVersion(["ab": "c"]) != XDSResource.setVersion(["a": "bc"]))
    }
}
