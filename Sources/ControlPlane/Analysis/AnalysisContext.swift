import Discovery

/// An object under analysis: its identity and where it was read, for findings.
public struct AnalyzedObject: Sendable, Hashable {
    /// Kind, namespace and name.
    public var key: ObjectKey
    /// Where it was read.
    public var location: SourceLocation

    /// `ns/name`, the way Istio's messages name objects.
    public var fullName: String { key.namespace.isEmpty ? key.name : "\(key.namespace)/\(key.name)" }
}

/// A typed resource with its identity and location.
public struct Located<R: Resource>: Sendable {
    /// Identity and location.
    public var object: AnalyzedObject
    /// The typed value.
    public var resource: R

    /// The object's namespace.
    public var namespace: String { object.key.namespace }
    /// The object's name.
    public var name: String { object.key.name }
}

/// What every analyzer reads: the loaded objects by kind and the indexes built from
/// them once (services by host, workloads by namespace). Immutable.
public struct AnalysisContext: Sendable {
    /// The loaded input.
    public let input: AnalysisInput
    /// Qualifies short host names (`reviews` → `reviews.default.svc.cluster.local`).
    public let resolver: HostNameResolver
    /// Services and ServiceEntries by the hosts they define, scoped by `exportTo`.
    let services: AnalysisServiceIndex
    /// Pods and WorkloadEntries.
    let workloads: [AnalyzedWorkload]

    /// Indexes `input`; Service hosts are `NAME.NS.svc.CLUSTER_DOMAIN`.
    public init(input: AnalysisInput, clusterDomain: String = "cluster.local") {
        self.input = input
        self.resolver = HostNameResolver(clusterDomain: clusterDomain)
        let objects = input.snapshot.objects.values.sorted { $0.key < $1.key }
        self.services = AnalysisServiceIndex(objects: objects, resolver: resolver)
        self.workloads = AnalyzedWorkload.all(in: objects)
    }

    /// Every accepted object of type `R`, sorted by namespace and name.
    public func list<R: Resource>(_ type: R.Type) -> [Located<R>] {
        Self.list(type, in: input.snapshot.objects.values.sorted { $0.key < $1.key })
    }

    static func list<R: Resource>(_ type: R.Type, in objects: [StoredObject]) -> [Located<R>] {
        objects.compactMap { stored in
            (stored.resource as? R).map {
                Located(object: AnalyzedObject(key: stored.key, location: stored.location), resource: $0)
            }
        }
    }
}

/// A workload controld knows: a Pod or a WorkloadEntry, with the labels selectors see.
struct AnalyzedWorkload: Sendable, Hashable {
    var kind: String
    var namespace: String
    var name: String
    var labels: [String: String]

    static func all(in objects: [StoredObject]) -> [AnalyzedWorkload] {
        let pods = AnalysisContext.list(Pod.self, in: objects).map {
            AnalyzedWorkload(kind: "Pod", namespace: $0.namespace, name: $0.name, labels: $0.resource.metadata.labels ?? [:])
        }
        let entries = AnalysisContext.list(WorkloadEntry.self, in: objects).map {
            AnalyzedWorkload(
                kind: "WorkloadEntry", namespace: $0.namespace, name: $0.name,
                labels: ($0.resource.metadata.labels ?? [:]).merging($0.resource.spec.labels ?? [:]) { $1 })
        }
        return pods + entries
    }
}

extension Dictionary where Key == String, Value == String {
    /// Whether these labels carry every label of `selector` (an empty selector matches all).
    func contains(selector: [String: String]) -> Bool {
        selector.allSatisfy { self[$0.key] == $0.value }
    }
}
