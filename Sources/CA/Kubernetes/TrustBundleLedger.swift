public import Discovery
public import Foundation

/// What the trust-bundle controller knows of the cluster, and what it must write: a
/// plain value fed the Namespace and `istio-ca-root-cert` ConfigMap events in order,
/// so the decisions are tested without an API server.
///
/// As istiod's namespace controller: every namespace gets the ConfigMap
/// `istio-ca-root-cert` (label `istio.io/config: "true"`, data `root-cert.pem`), except
/// `kube-public`, `kube-node-lease`, `local-path-storage` and namespaces being deleted.
/// A ConfigMap whose `root-cert.pem` differs from the bundle gets it back (other data
/// and metadata kept); a deleted one is created again.
public struct TrustBundleLedger: Sendable {
    /// The ConfigMap's name in every namespace.
    public static let configMapName = "istio-ca-root-cert"
    /// Its data key.
    public static let dataKey = "root-cert.pem"
    /// The label istiod puts on it.
    public static let labels = ["istio.io/config": "true"]
    /// Kubernetes' own namespaces no workload runs in (istiod's list without kube-system,
    /// which may run ztunnel).
    public static let ignoredNamespaces: Set<String> = ["kube-public", "kube-node-lease", "local-path-storage"]
    /// What the controller watches: Namespaces, and ConfigMaps of that one name.
    public static let kinds: [KubernetesResourceType] = [
        .namespaces, .configMaps.selecting(fields: "metadata.name=\(configMapName)"),
    ]

    /// A write to make.
    public enum Write: Sendable, Equatable {
        /// POST a new ConfigMap into `namespace`.
        case create(namespace: String, json: Data)
        /// PUT the existing ConfigMap, with `root-cert.pem` set, at its resourceVersion.
        case replace(namespace: String, json: Data)

        public var namespace: String {
            switch self {
            case .create(let namespace, _), .replace(let namespace, _): namespace
            }
        }
    }

    /// Namespace name → whether it is being deleted.
    private(set) var namespaces: [String: Bool] = [:]
    /// Namespace → its ConfigMap as last seen (JSON).
    private(set) var configMaps: [String: Data] = [:]

    public init() {}

    /// Every namespace known, for a bundle change.
    public var namespaceNames: Set<String> { Set(namespaces.keys) }

    /// Applies one source event; returns the namespaces whose ConfigMap may need a write.
    public mutating func apply(_ event: SourceEvent) -> Set<String> {
        switch event {
        case .replaceAll(let kinds, let objects):
            var touched: Set<String> = []
            if kinds.contains(Self.namespaceKind) {
                touched.formUnion(namespaces.keys)
                namespaces = [:]
                for object in objects where Self.isNamespace(object.key) {
                    namespaces[object.key.name] = Self.isTerminating(object.json)
                }
                touched.formUnion(namespaces.keys)
            }
            if kinds.contains(Self.configMapKind) {
                touched.formUnion(configMaps.keys)
                configMaps = [:]
                for object in objects where Self.isTrustBundle(object.key) {
                    configMaps[object.key.namespace] = object.json
                }
                touched.formUnion(configMaps.keys)
            }
            return touched
        case .upsert(let object):
            if Self.isNamespace(object.key) {
                namespaces[object.key.name] = Self.isTerminating(object.json)
                return [object.key.name]
            }
            guard Self.isTrustBundle(object.key) else { return [] }
            configMaps[object.key.namespace] = object.json
            return [object.key.namespace]
        case .delete(let key, _):
            if Self.isNamespace(key) {
                namespaces[key.name] = nil
                return [key.name]
            }
            guard Self.isTrustBundle(key) else { return [] }
            configMaps[key.namespace] = nil
            return [key.namespace]
        case .unreadable:
            return []
        }
    }

    /// Records a ConfigMap the API server returned for our own write, so a change that
    /// follows before its watch event builds on it.
    public mutating func wrote(_ json: Data, in namespace: String) {
        configMaps[namespace] = json
    }

    /// The write that brings `namespace` to `bundle`, or nil when it is right already or
    /// the namespace is not served.
    public func write(for namespace: String, bundle: String) -> Write? {
        guard let terminating = namespaces[namespace], !terminating,
            !Self.ignoredNamespaces.contains(namespace)
        else { return nil }
        guard let existing = configMaps[namespace] else {
            let object: [String: Any] = [
                "apiVersion": "v1", "kind": "ConfigMap",
                "metadata": ["name": Self.configMapName, "namespace": namespace, "labels": Self.labels],
                "data": [Self.dataKey: bundle],
            ]
            return .create(namespace: namespace, json: Self.serialize(object))
        }
        guard var object = (try? JSONSerialization.jsonObject(with: existing)) as? [String: Any] else { return nil }
        var data = object["data"] as? [String: Any] ?? [:]
        guard data[Self.dataKey] as? String != bundle else { return nil }
        data[Self.dataKey] = bundle
        object["data"] = data
        object["apiVersion"] = "v1"
        object["kind"] = "ConfigMap"
        return .replace(namespace: namespace, json: Self.serialize(object))
    }

    static let namespaceKind = GroupKind(group: "", kind: "Namespace")
    static let configMapKind = GroupKind(group: "", kind: "ConfigMap")

    private static func isNamespace(_ key: ObjectKey) -> Bool {
        key.group.isEmpty && key.kind == namespaceKind.kind
    }

    /// The server may ignore the field selector (a proxy, an old server): check the name here too.
    private static func isTrustBundle(_ key: ObjectKey) -> Bool {
        key.group.isEmpty && key.kind == configMapKind.kind && key.name == configMapName
    }

    private static func isTerminating(_ json: Data) -> Bool {
        let object = (try? JSONSerialization.jsonObject(with: json)) as? [String: Any]
        return (object?["status"] as? [String: Any])?["phase"] as? String == "Terminating"
    }

    private static func serialize(_ object: [String: Any]) -> Data {
        (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
    }
}
