/// What an informer reports to the source's single consumer.
enum KubernetesChange: Sendable {
    /// The complete current state of a kind, after a (re-)list.
    case listed(GroupKind, [KubernetesObject])
    case upserted(KubernetesObject)
    case deleted(KubernetesObject)
    /// The kind is not served (its CRD is not installed): it has no objects. `message` says why.
    case missing(GroupKind, message: String)
}

/// Turns informer changes into the SourceEvents the store sees, applying the namespace
/// selector. Without a selector it passes changes through and keeps nothing. With one, it
/// keeps every object (selected or not), so that when a namespace starts or stops
/// matching, its objects can appear or go without listing again. A plain struct owned by
/// one task: the ordering of events is the ordering of calls.
struct KubernetesView {
    static let namespaceKind = GroupKind(group: "", kind: "Namespace")

    let selector: KubernetesNamespaceSelector?
    /// The kinds whose objects go out; Namespaces may be watched only to filter by.
    let emitted: Set<GroupKind>
    let location: SourceLocation
    /// Kinds whose first list (or first "not served") has been applied.
    private(set) var listed: Set<GroupKind> = []

    private var cache: [GroupKind: [ObjectKey: KubernetesObject]] = [:]
    private var namespaceLabels: [String: [String: String]] = [:]
    /// Selected namespace names; nil until the Namespace list arrives, and until then
    /// nothing namespaced is emitted (it could not be filtered).
    private var selected: Set<String>?

    init(selector: KubernetesNamespaceSelector?, emitted: Set<GroupKind>, location: SourceLocation) {
        self.selector = selector
        self.emitted = emitted
        self.location = location
    }

    mutating func apply(_ change: KubernetesChange) -> [SourceEvent] {
        guard let selector else { return passThrough(change) }
        var events: [SourceEvent] = []
        switch change {
        case .listed(let kind, let objects):
            listed.insert(kind)
            cache[kind] = Dictionary(objects.map { ($0.key, $0) }, uniquingKeysWith: { $1 })
            if kind == Self.namespaceKind {
                namespaceLabels = Dictionary(objects.map { ($0.key.name, $0.labels) }, uniquingKeysWith: { $1 })
            }
        case .upserted(let object):
            cache[Self.kind(of: object.key), default: [:]][object.key] = object
            if Self.kind(of: object.key) == Self.namespaceKind { namespaceLabels[object.key.name] = object.labels }
        case .deleted(let object):
            cache[Self.kind(of: object.key)]?[object.key] = nil
            if Self.kind(of: object.key) == Self.namespaceKind { namespaceLabels[object.key.name] = nil }
        case .missing(let kind, let message):
            listed.insert(kind)
            cache[kind] = [:]
            events.append(.unreadable(location: location, message: message))
        }

        let before = selected
        if listed.contains(Self.namespaceKind) {
            selected = Set(namespaceLabels.filter { selector.matches($0.value) }.keys)
        }
        guard let now = selected else { return events }
        guard let before else {
            // The namespaces just became known: every kind listed so far goes out at once.
            for kind in listed.sorted() where emitted.contains(kind) {
                events.append(.replaceAll(kinds: [kind], objects: visibleObjects(of: kind, in: now)))
            }
            return events
        }

        switch change {
        case .listed(let kind, _), .missing(let kind, _):
            if emitted.contains(kind) {
                events.append(.replaceAll(kinds: [kind], objects: visibleObjects(of: kind, in: now)))
            }
        case .upserted(let object):
            if emitted.contains(Self.kind(of: object.key)) {
                if Self.isVisible(object.key, in: now) {
                    events.append(.upsert(object.raw))
                } else if Self.isVisible(object.key, in: before) {
                    // A Namespace whose labels stopped matching.
                    events.append(.delete(object.key, location: object.raw.location))
                }
            }
        case .deleted(let object):
            if emitted.contains(Self.kind(of: object.key)), Self.isVisible(object.key, in: before) {
                events.append(.delete(object.key, location: object.raw.location))
            }
        }

        // Namespaces that started or stopped matching: their objects of other kinds appear or go.
        let flipped = now.symmetricDifference(before)
        if !flipped.isEmpty {
            for kind in listed.sorted() where kind != Self.namespaceKind && emitted.contains(kind) {
                let objects = (cache[kind] ?? [:]).values.filter { flipped.contains($0.key.namespace) }
                for object in objects.sorted(by: { $0.key < $1.key }) {
                    events.append(
                        now.contains(object.key.namespace)
                            ? .upsert(object.raw) : .delete(object.key, location: object.raw.location))
                }
            }
        }
        return events
    }

    private mutating func passThrough(_ change: KubernetesChange) -> [SourceEvent] {
        switch change {
        case .listed(let kind, let objects):
            listed.insert(kind)
            return emitted.contains(kind) ? [.replaceAll(kinds: [kind], objects: objects.map(\.raw))] : []
        case .upserted(let object):
            return emitted.contains(Self.kind(of: object.key)) ? [.upsert(object.raw)] : []
        case .deleted(let object):
            return emitted.contains(Self.kind(of: object.key))
                ? [.delete(object.key, location: object.raw.location)] : []
        case .missing(let kind, let message):
            listed.insert(kind)
            var events: [SourceEvent] = [.unreadable(location: location, message: message)]
            // Not served means no objects: any held from an earlier list are gone.
            if emitted.contains(kind) { events.append(.replaceAll(kinds: [kind], objects: [])) }
            return events
        }
    }

    private func visibleObjects(of kind: GroupKind, in namespaces: Set<String>) -> [RawObject] {
        (cache[kind] ?? [:]).values.filter { Self.isVisible($0.key, in: namespaces) }
            .sorted { $0.key < $1.key }.map(\.raw)
    }

    private static func kind(of key: ObjectKey) -> GroupKind {
        GroupKind(group: key.group, kind: key.kind)
    }

    /// Cluster-scoped objects are always visible; a Namespace is visible when it is selected itself.
    private static func isVisible(_ key: ObjectKey, in namespaces: Set<String>) -> Bool {
        if kind(of: key) == namespaceKind { return namespaces.contains(key.name) }
        return key.namespace.isEmpty || namespaces.contains(key.namespace)
    }
}
