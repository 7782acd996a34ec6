/// Istio's host name rules as its analyzers apply them.
enum HostMatching {
    /// The namespaces an `exportTo` list makes something visible in: `["*"]` for all
    /// (also when the list is empty), `.` replaced by `namespace`.
    static func scopes(exportTo: [String]?, namespace: String) -> [String] {
        let list = exportTo ?? []
        if list.isEmpty || list.contains("*") { return ["*"] }
        var scopes: [String] = []
        for entry in list {
            let scope = entry == "." ? namespace : entry
            if !scopes.contains(scope) { scopes.append(scope) }
        }
        return scopes
    }

    /// `selector` as Kubernetes prints a label selector: `k=v,k2=v2`, sorted by key.
    static func selectorText(_ selector: [String: String]) -> String {
        selector.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
    }
}
