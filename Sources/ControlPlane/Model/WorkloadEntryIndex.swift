import Discovery

/// WorkloadEntries indexed by namespace and label, so selecting a service's
/// workloads costs the size of the smallest matching label group, not a scan of
/// every entry in the mesh.
struct WorkloadEntryIndex {
    private var entries: [WorkloadEntry] = []
    /// namespace → "key=value" → positions in `entries`.
    private var byLabel: [String: [String: [Int]]] = [:]

    init(_ workloadEntries: [WorkloadEntry]) {
        entries = workloadEntries
        for (position, entry) in workloadEntries.enumerated() {
            let namespace = entry.metadata.namespace ?? "default"
            for (key, value) in entry.spec.labels ?? [:] {
                byLabel[namespace, default: [:]]["\(key)=\(value)", default: []].append(position)
            }
        }
    }

    /// Entries of `namespace` whose labels include all of `selector`'s, in their
    /// original (namespace, name) order; an empty selector selects nothing.
    func select(_ selector: [String: String], namespace: String) -> [WorkloadEntry] {
        guard let labels = byLabel[namespace], !selector.isEmpty else { return [] }
        var smallest: [Int]?
        for (key, value) in selector {
            guard let positions = labels["\(key)=\(value)"] else { return [] }
            if smallest == nil || positions.count < smallest!.count { smallest = positions }
        }
        return (smallest ?? []).map { entries[$0] }.filter { ($0.spec.labels ?? [:]).matches(selector) }
    }
}
