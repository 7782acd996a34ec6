/// How Istio reads a gateway named by a VirtualService (`gateways`, and a match's
/// `gateways`): `mesh` stands for every sidecar; `name` and `./name` are in the
/// VirtualService's namespace; `ns/name` is explicit; `name.ns` (and the
/// `name.ns.svc.DOMAIN` form) names the namespace second.
public enum GatewayReference {
    /// The reserved name for every sidecar in the mesh.
    public static let mesh = "mesh"

    /// `mesh`, or `NAMESPACE/NAME`, for `reference` written in `namespace`.
    public static func resolve(_ reference: String, namespace: String) -> String {
        if reference == mesh { return reference }
        let (gatewayNamespace, name) = parts(reference, namespace: namespace)
        return "\(gatewayNamespace)/\(name)"
    }

    /// The namespace and name `reference` (not `mesh`) points at.
    public static func parts(_ reference: String, namespace: String) -> (namespace: String, name: String) {
        if let slash = reference.firstIndex(of: "/") {
            let scope = String(reference[..<slash])
            return (scope == "." ? namespace : scope, String(reference[reference.index(after: slash)...]))
        }
        let labels = reference.split(separator: ".", omittingEmptySubsequences: false)
        if labels.count == 1 { return (namespace, reference) }
        return (String(labels[1]), String(labels[0]))
    }
}
