import Foundation
import SwiftProtobuf
public import XDS

/// Reads a `/debug/config_dump` body back into Envoy resources, for
/// `controld proxy-config`.
public struct ConfigDumpReader {
    /// Why a body could not be read.
    public struct Malformed: Error, CustomStringConvertible {
        public var description: String
    }

    private let configs: [[String: Any]]

    /// Parses `data`; throws ``Malformed`` when it is not a ConfigDump.
    public init(_ data: Data) throws {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let configs = object["configs"] as? [[String: Any]]
        else {
            throw Malformed(description: "the answer is not an Envoy config dump (no \"configs\" list)")
        }
        self.configs = configs
    }

    /// The resources of `kind` as JSON objects, in the dump's order.
    public func objects(_ kind: ProxyConfigKind) -> [Any] {
        let config = configs.first { $0["@type"] as? String == kind.dumpType }
        let entries = config?[kind.entriesKey] as? [[String: Any]] ?? []
        return entries.compactMap(kind.resource(in:))
    }

    /// The resources of `kind` as a pretty-printed JSON array (`-o json`).
    public func json(_ kind: ProxyConfigKind) throws -> String {
        let objects = objects(kind)
        // Foundation prints an empty array over three lines; say it plainly.
        if objects.isEmpty { return "[]" }
        let data = try JSONSerialization.data(
            withJSONObject: objects, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }

    /// The resources of `kind` decoded as `Resource`, through their `@type`.
    public func messages<Resource: SwiftProtobuf.Message>(_ kind: ProxyConfigKind, as _: Resource.Type) throws
        -> [Resource]
    {
        EnvoyTypeRegistry.registerAll()
        var options = JSONDecodingOptions()
        // A newer controld may print fields this build does not know; show the rest.
        options.ignoreUnknownFields = true
        return try objects(kind).map { object in
            let data = try JSONSerialization.data(withJSONObject: object)
            let any = try Google_Protobuf_Any(jsonUTF8Data: data, options: options)
            return try Resource(unpackingAny: any)
        }
    }

    /// The table `controld proxy-config KIND` prints.
    public func table(_ kind: ProxyConfigKind) throws -> TextTable {
        switch kind {
        case .clusters: ClusterTable.make(try messages(kind, as: Envoy_Config_Cluster_V3_Cluster.self))
        case .listeners: ListenerTable.make(try messages(kind, as: Envoy_Config_Listener_V3_Listener.self))
        case .routes: RouteTable.make(try messages(kind, as: Envoy_Config_Route_V3_RouteConfiguration.self))
        case .endpoints:
            EndpointTable.make(try messages(kind, as: Envoy_Config_Endpoint_V3_ClusterLoadAssignment.self))
        case .secrets: SecretTable.make(try messages(kind, as: Envoy_Extensions_TransportSockets_Tls_V3_Secret.self))
        }
    }
}
