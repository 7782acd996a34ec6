import Discovery
import Foundation

/// A service as the analyzers see it: from a Kubernetes Service (host
/// `NAME.NS.svc.DOMAIN`) or a ServiceEntry (its hosts), with its ports and how its
/// workloads are found.
struct IndexedService: Sendable, Hashable {
    /// One declared port.
    struct Port: Sendable, Hashable {
        var number: Int
        var `protocol`: String
        var name: String
    }

    var object: AnalyzedObject
    var namespace: String { object.key.namespace }
    var ports: [Port]
    /// The labels that select its workloads (Service `selector`, ServiceEntry
    /// `workloadSelector`), nil when it selects none.
    var selector: [String: String]?
    /// The labels of a ServiceEntry's inline `endpoints`.
    var endpointLabels: [[String: String]]
    /// For a Service, the Pod each endpoint of its EndpointSlices points at (nil for
    /// an endpoint without a Pod `targetRef`).
    var slicePods: [String?] = []

    /// The labels of the workloads known to serve it: those its selector picks in its
    /// namespace, its inline endpoints, the Pods its EndpointSlices point at. Nil
    /// when an EndpointSlice endpoint's workload is unknown, so its labels are too.
    func workloadLabels(among workloads: [AnalyzedWorkload]) -> [[String: String]]? {
        var labels = endpointLabels
        if let selector, !selector.isEmpty {
            labels += workloads.filter { $0.namespace == namespace && $0.labels.contains(selector: selector) }
                .map(\.labels)
        }
        for pod in slicePods {
            guard let pod,
                let workload = workloads.first(where: { $0.kind == "Pod" && $0.namespace == namespace && $0.name == pod })
            else { return nil }
            labels.append(workload.labels)
        }
        return labels
    }
}

/// Services by the hosts they define, scoped by where they are visible: `*` for every
/// namespace, or a namespace named by `exportTo` (Services: the
/// `networking.istio.io/exportTo` annotation). Lookups follow Istio's analyzers.
struct AnalysisServiceIndex: Sendable {
    private struct ScopedHost: Hashable, Comparable {
        var scope: String
        var host: String

        static func < (lhs: ScopedHost, rhs: ScopedHost) -> Bool { (lhs.scope, lhs.host) < (rhs.scope, rhs.host) }
    }

    private var services: [ScopedHost: IndexedService] = [:]
    private var wildcards: [(key: ScopedHost, service: IndexedService)] = []

    /// The index of `objects` (sorted by key; the first definition of a host wins).
    init(objects: [StoredObject], resolver: HostNameResolver) {
        for entry in AnalysisContext.list(ServiceEntry.self, in: objects) {
            let spec = entry.resource.spec
            let service = IndexedService(
                object: entry.object,
                ports: (spec.ports ?? []).map {
                    .init(number: $0.number ?? 0, protocol: $0.protocol ?? "", name: $0.name ?? "")
                },
                selector: spec.workloadSelector?.labels,
                endpointLabels: (spec.endpoints ?? []).map { $0.labels ?? [:] })
            for host in spec.hosts ?? [] {
                for scope in HostMatching.scopes(exportTo: spec.exportTo, namespace: entry.namespace) {
                    insert(service, host: resolver.qualify(host, namespace: entry.namespace), scope: scope)
                }
            }
        }
        var slicePods: [ObjectKey: [String?]] = [:]
        for slice in AnalysisContext.list(EndpointSlice.self, in: objects) {
            guard let serviceName = slice.resource.serviceName else { continue }
            let key = ObjectKey(group: "", kind: "Service", namespace: slice.namespace, name: serviceName)
            for endpoint in slice.resource.endpoints ?? [] {
                let target = endpoint.targetRef
                slicePods[key, default: []].append(target?.kind == "Pod" ? target?.name : nil)
            }
        }
        for kube in AnalysisContext.list(Service.self, in: objects) {
            let spec = kube.resource.spec
            let service = IndexedService(
                object: kube.object,
                ports: (spec.ports ?? []).map { .init(number: $0.port, protocol: $0.protocol ?? "", name: $0.name ?? "") },
                selector: spec.selector,
                endpointLabels: [],
                slicePods: slicePods[kube.object.key] ?? [])
            let annotation = kube.resource.metadata.annotations?["networking.istio.io/exportTo"]
            let exportTo = annotation?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            for scope in HostMatching.scopes(exportTo: exportTo, namespace: kube.namespace) {
                insert(service, host: resolver.qualify(kube.name, namespace: kube.namespace), scope: scope)
            }
        }
        wildcards = services.filter { $0.key.host.hasPrefix("*") }.sorted { $0.key < $1.key }
            .map { (key: $0.key, service: $0.value) }
    }

    private mutating func insert(_ service: IndexedService, host: String, scope: String) {
        let key = ScopedHost(scope: scope, host: host)
        if services[key] == nil { services[key] = service }
    }

    /// The service `host` names when written by an object in `namespace` exported
    /// to `exportTo`: visible everywhere, then in the object's scopes, then a
    /// wildcard ServiceEntry host covering it. Nil when none.
    func service(for host: String, from namespace: String, exportTo: [String]?, resolver: HostNameResolver)
        -> IndexedService?
    {
        let fqdn = resolver.qualify(host, namespace: namespace)
        if let service = services[ScopedHost(scope: "*", host: fqdn)] { return service }
        let exportTo = exportTo ?? []
        let scopes = exportTo.isEmpty ? [namespace] : exportTo.map { $0 == "." ? namespace : $0 }
        for scope in scopes {
            if let service = services[ScopedHost(scope: scope, host: fqdn)] { return service }
        }
        let wanted = fqdn.hasPrefix("*") ? String(fqdn.dropFirst()) : fqdn
        for (key, service) in wildcards where key.scope == "*" || key.scope == namespace {
            if wanted.hasSuffix(String(key.host.dropFirst())) { return service }
        }
        return nil
    }
}
