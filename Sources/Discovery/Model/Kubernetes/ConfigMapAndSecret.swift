import Foundation

/// A Kubernetes ConfigMap (mesh config, the `istio-ca-root-cert` trust bundle).
public struct ConfigMap: Resource {
    public static let groupKind = GroupKind(group: "", kind: "ConfigMap")
    public static let versions: Set<String> = ["v1"]
    public static let reportsUnknownFields = false

    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    public var data: [String: String]?
    /// Base64 values, as written.
    public var binaryData: [String: String]?
    public var immutable: Bool?
}

/// A Kubernetes Secret (CA material in `cacerts`, gateway credentials).
public struct Secret: Resource {
    public static let groupKind = GroupKind(group: "", kind: "Secret")
    public static let versions: Set<String> = ["v1"]
    public static let reportsUnknownFields = false

    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    /// `Opaque`, `kubernetes.io/tls`...
    public var type: String?
    /// Base64 values, as written.
    public var data: [String: String]?
    /// Plain values (write-only on a real API server; a file may carry them).
    public var stringData: [String: String]?
    public var immutable: Bool?

    /// The bytes of `key`, from `stringData` or base64-decoded `data`.
    public func value(_ key: String) -> Data? {
        if let text = stringData?[key] { return Data(text.utf8) }
        return data?[key].flatMap { Data(base64Encoded: $0) }
    }
}
