import XDS

/// Route tables shared by the proxies that would get identical ones.
///
/// A named route table depends on the proxy only through its kind, namespace and
/// labels (which Sidecar and Gateways select it, which `sourceLabels` routes apply),
/// not on its addresses or id. A thousand replicas of one workload then cost one
/// translation per table and one copy of its bytes, instead of a thousand. The
/// tables belong to one PushContext and are dropped with it.
struct SharedRouteTables: Sendable {
    struct Key: Hashable, Sendable {
        var isRouter: Bool
        var namespace: String
        var labels: [String: String]
        var name: String
    }

    private var tables: [Key: XDSResource] = [:]

    static func key(_ proxy: MeshProxy, name: String) -> Key {
        Key(isRouter: proxy.isRouter, namespace: proxy.namespace, labels: proxy.labels, name: name)
    }

    subscript(key: Key) -> XDSResource? {
        get { tables[key] }
        set { tables[key] = newValue }
    }
}
