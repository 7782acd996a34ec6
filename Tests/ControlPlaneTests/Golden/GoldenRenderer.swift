import ControlPlane
import Discovery
import Foundation
import MetricsTestKit
import SwiftProtobuf
import XDS

/// Renders what a proxy gets from a directory of YAML as one stable JSON document:
/// every resource of every type, Envoy's JSON field names, keys sorted.
enum GoldenRenderer {
    /// The PushContext of the YAML under `directory`, as `serve` would build it;
    /// fails if any object is rejected or unreadable, so a golden case is valid input.
    static func context(directory: String, mesh: MeshConfig = MeshConfig()) throws -> PushContext {
        let store = ConfigStore(metricsFactory: TestMetrics())
        let source = DirectorySource(root: directory)
        for event in source.load() { store.ingest(event, from: source.name) }
        let snapshot = store.snapshot
        guard snapshot.rejections.isEmpty, snapshot.unreadable.isEmpty else {
            throw GoldenError("\(directory): rejected \(snapshot.rejections.values.map(\.messages)), unreadable \(snapshot.unreadable.keys)")
        }
        return PushContext(snapshot: snapshot, mesh: mesh)
    }

    /// A node with Istio's id and metadata.
    static func node(id: String, namespace: String, labels: [String: String], interceptionNone: Bool) throws -> ProxyNode {
        var node = Envoy_Config_Core_V3_Node()
        node.id = id
        var metadata = Google_Protobuf_Struct()
        metadata.fields["NAMESPACE"] = Google_Protobuf_Value(stringValue: namespace)
        var labelStruct = Google_Protobuf_Struct()
        for (key, value) in labels { labelStruct.fields[key] = Google_Protobuf_Value(stringValue: value) }
        metadata.fields["LABELS"] = Google_Protobuf_Value(structValue: labelStruct)
        if interceptionNone { metadata.fields["INTERCEPTION_MODE"] = Google_Protobuf_Value(stringValue: "NONE") }
        node.metadata = metadata
        return try ProxyNode(node)
    }

    /// `{"cds": [...], "eds": [...], "lds": [...], "rds": [...], "sds": [...]}` for `node`.
    static func render(_ context: PushContext, node: ProxyNode, secretNames: Set<String> = []) throws -> String {
        EnvoyTypeRegistry.registerAll()
        let generator = MeshGenerator(context: context)
        var document: [String: Any] = [:]
        for type in [TypeURL.cluster, .endpoint, .listener, .route, .secret] {
            let names: Set<String>? = type == .secret ? secretNames : nil
            let resources = try generator.resources(type, for: node, names: names)
            document[type.shortName] = try resources.map { resource in
                let any = resource.any
                var options = JSONEncodingOptions()
                options.preserveProtoFieldNames = true
                let json = try any.jsonString(options: options)
                return try JSONSerialization.jsonObject(with: Data(json.utf8))
            }
        }
        let data = try JSONSerialization.data(
            withJSONObject: document, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}

struct GoldenError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
