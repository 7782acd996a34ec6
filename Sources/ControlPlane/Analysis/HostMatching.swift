/// Istio's host name rules as its analyzers apply them.
enum HostMatching {
    /// Whether `a` and `b` can name the same host: equal, or one a wildcard
    /// (`*.example.com`, `*`) covering the other.
    static func matches(_ a: String, _ b: String) -> Bool {
        if a == b { return true }
        let aWildcard = a.hasPrefix("*")
        let bWildcard = b.hasPrefix("*")
        switch (aWildcard, bWildcard) {
        case (true, true):
            let aSuffix = a.dropFirst()
            let bSuffix = b.dropFirst()
            return String(aSuffix).hasSuffix(String(bSuffix)) || String(bSuffix).hasSuffix(String(aSuffix))
        case (true, false): return b.hasSuffix(String(a.dropFirst()))
        case (false, true): return a.hasSuffix(String(b.dropFirst()))
        case (false, false): return false
        }
    }

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
