import Foundation
import SwiftProtobuf
public import XDS

/// What a proxy was sent, as Envoy's admin `ConfigDump` JSON
/// (`envoy.admin.v3.ConfigDump`): the body of `/debug/config_dump?proxyID=`.
///
/// The shape is Envoy's own, so what users and tools know from Envoy's
/// `/config_dump` (and `istioctl proxy-config`) reads it unchanged: one entry in
/// `configs` per resource kind, each resource as proto3 JSON with its `"@type"` and
/// the proto field names (`version_info`, not `versionInfo`), as Envoy prints them.
public enum ConfigDumpJSON {
    /// The `@type`s of the five dumps, in the order they appear in `configs`.
    public static let clustersType = "type.googleapis.com/envoy.admin.v3.ClustersConfigDump"
    public static let listenersType = "type.googleapis.com/envoy.admin.v3.ListenersConfigDump"
    public static let routesType = "type.googleapis.com/envoy.admin.v3.RoutesConfigDump"
    public static let endpointsType = "type.googleapis.com/envoy.admin.v3.EndpointsConfigDump"
    public static let secretsType = "type.googleapis.com/envoy.admin.v3.SecretsConfigDump"

    /// Renders `resources` (per type, as `XDSServer.sentResources` returns them).
    /// `sentAt` gives each type's `last_updated`: when its last response went out.
    /// Keys are sorted so equal input gives byte-identical output.
    public static func render(resources: [TypeURL: [XDSResource]], sentAt: [TypeURL: Date]) throws -> Data {
        EnvoyTypeRegistry.registerAll()
        func entries(_ type: TypeURL, _ makeEntry: (XDSResource, Any, [String: Any]) -> [String: Any]) throws
            -> [[String: Any]]
        {
            var common: [String: Any] = [:]
            if let date = sentAt[type] { common["last_updated"] = timestamp(date) }
            return try (resources[type] ?? []).map { resource in
                var meta = common
                meta["version_info"] = resource.version
                return makeEntry(resource, try message(resource), meta)
            }
        }
        let clusters = try entries(.cluster) { _, body, meta in meta.merging(["cluster": body]) { $1 } }
        let listeners = try entries(.listener) { resource, body, meta in
            ["name": resource.name, "active_state": meta.merging(["listener": body]) { $1 }]
        }
        let routes = try entries(.route) { _, body, meta in meta.merging(["route_config": body]) { $1 } }
        let endpoints = try entries(.endpoint) { _, body, meta in meta.merging(["endpoint_config": body]) { $1 } }
        let secrets = try entries(.secret) { resource, body, meta in
            meta.merging(["name": resource.name, "secret": body]) { $1 }
        }
        let dump: [String: Any] = [
            "configs": [
                ["@type": clustersType, "dynamic_active_clusters": clusters],
                ["@type": listenersType, "dynamic_listeners": listeners],
                ["@type": routesType, "dynamic_route_configs": routes],
                ["@type": endpointsType, "dynamic_endpoint_configs": endpoints],
                ["@type": secretsType, "dynamic_active_secrets": secrets],
            ]
        ]
        return try JSONSerialization.data(
            withJSONObject: dump, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    }

    /// One resource as proto3 JSON with `"@type"`, parsed back into a JSON object so
    /// it nests in the dump.
    static func message(_ resource: XDSResource) throws -> Any {
        var options = JSONEncodingOptions()
        options.preserveProtoFieldNames = true
        let json: Data
        do {
            json = try resource.any.jsonUTF8Data(options: options)
        } catch {
            // A type this build cannot name (a provider's own type URL): show the
            // bytes rather than fail the whole dump.
            return ["@type": resource.typeURL.rawValue, "value": resource.payload.base64EncodedString()]
        }
        return try JSONSerialization.jsonObject(with: json)
    }

    /// RFC 3339 with milliseconds in UTC, as protobuf's `Timestamp` prints.
    static func timestamp(_ date: Date) -> String {
        date.formatted(
            Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: TimeZone(identifier: "UTC")!))
    }
}
