import ControlPlane
import Discovery
import Foundation
import SwiftProtobuf
import Testing
import XDS

/// Builds PushContexts and proxies from YAML for the security tests, through the
/// real read, decode and validation path.
enum SecurityFixtures {
    /// The PushContext of `yaml`; every object must be accepted.
    static func context(_ yaml: String, mesh: MeshConfig = MeshConfig()) throws -> PushContext {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("security-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data(yaml.utf8).write(to: directory.appendingPathComponent("mesh.yaml"))
        return try GoldenRenderer.context(directory: directory.path, mesh: mesh)
    }

    /// A sidecar in `namespace` with `labels`.
    static func proxy(namespace: String = "foo", labels: [String: String] = ["app": "httpbin"]) throws -> MeshProxy {
        var node = Envoy_Config_Core_V3_Node()
        node.id = "sidecar~10.0.0.1~httpbin.\(namespace)~\(namespace).svc.cluster.local"
        var metadata = Google_Protobuf_Struct()
        metadata.fields["NAMESPACE"] = Google_Protobuf_Value(stringValue: namespace)
        var labelStruct = Google_Protobuf_Struct()
        for (key, value) in labels { labelStruct.fields[key] = Google_Protobuf_Value(stringValue: value) }
        metadata.fields["LABELS"] = Google_Protobuf_Value(structValue: labelStruct)
        node.metadata = metadata
        return MeshProxy(try ProxyNode(node))
    }

    /// An AuthorizationPolicy document; `spec` is YAML indented under `spec:`.
    static func policy(_ name: String, namespace: String = "foo", annotations: String? = nil, spec: String) -> String {
        """
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata:
          name: \(name)
          namespace: \(namespace)
        \(annotations.map { "  annotations: {\($0)}" } ?? "")
        spec:
        \(spec.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n"))
        ---

        """
    }

    /// A RequestAuthentication document.
    static func requestAuthentication(_ name: String, namespace: String = "foo", spec: String) -> String {
        """
        apiVersion: security.istio.io/v1
        kind: RequestAuthentication
        metadata:
          name: \(name)
          namespace: \(namespace)
        spec:
        \(spec.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n"))
        ---

        """
    }

    /// The HTTP RBAC configs among `filters`, in order.
    static func httpRBAC(_ filters: [Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_HttpFilter]) throws
        -> [Envoy_Extensions_Filters_Http_Rbac_V3_RBAC]
    {
        try filters.filter { $0.name == "envoy.filters.http.rbac" }.map {
            try Envoy_Extensions_Filters_Http_Rbac_V3_RBAC(unpackingAny: $0.typedConfig)
        }
    }

    static func networkRBAC(_ filters: [Envoy_Config_Listener_V3_Filter]) throws -> [Envoy_Extensions_Filters_Network_Rbac_V3_RBAC] {
        try filters.filter { $0.name == "envoy.filters.network.rbac" }.map {
            try Envoy_Extensions_Filters_Network_Rbac_V3_RBAC(unpackingAny: $0.typedConfig)
        }
    }

    static func jwt(_ filters: [Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_HttpFilter]) throws
        -> Envoy_Extensions_Filters_Http_JwtAuthn_V3_JwtAuthentication?
    {
        try filters.first { $0.name == "envoy.filters.http.jwt_authn" }.map {
            try Envoy_Extensions_Filters_Http_JwtAuthn_V3_JwtAuthentication(unpackingAny: $0.typedConfig)
        }
    }

    /// The only HTTP RBAC filter of `yaml` for the default proxy.
    static func onlyHTTPRules(_ yaml: String, mesh: MeshConfig = MeshConfig()) throws -> Envoy_Config_Rbac_V3_RBAC {
        let filters = InboundPolicyFilters(context: try context(yaml, mesh: mesh), proxy: try proxy())
        let rbac = try httpRBAC(try filters.httpFilters())
        try #require(rbac.count == 1)
        return rbac[0].rules
    }

    /// Compact proto3 JSON with Envoy's field names, for readable comparisons.
    static func json(_ message: some SwiftProtobuf.Message) throws -> String {
        var options = JSONEncodingOptions()
        options.preserveProtoFieldNames = true
        return try message.jsonString(options: options)
    }
}
