import Foundation
import Discovery

/// Every service of the mesh and its endpoints, derived from one config snapshot:
/// Kubernetes Services with their EndpointSlices (and WorkloadEntries their selector
/// picks), and ServiceEntries with inline endpoints or selected WorkloadEntries.
public struct ServiceRegistry: Sendable {
    /// Services sorted by hostname, then namespace.
    public let services: [MeshService]
    /// Endpoints per service, keyed by hostname and namespace, sorted by address.
    public let endpoints: [ServiceKey: [MeshEndpoint]]

    /// Identifies one service: two namespaces may declare the same hostname.
    public struct ServiceKey: Sendable, Hashable {
        public var hostname: String
        public var namespace: String
    }

    public init(services: [MeshService], endpoints: [ServiceKey: [MeshEndpoint]]) {
        self.services = services.sorted { ($0.hostname, $0.namespace) < ($1.hostname, $1.namespace) }
        self.endpoints = endpoints.mapValues { $0.sorted { ($0.address, $0.origin) < ($1.address, $1.origin) } }
    }

    public init(snapshot: ConfigSnapshot, clusterDomain: String) {
        var services: [MeshService] = []
        var endpoints: [ServiceKey: [MeshEndpoint]] = [:]
        let workloadEntries = WorkloadEntryIndex(snapshot.list(WorkloadEntry.self))
        let slices = Dictionary(grouping: snapshot.list(EndpointSlice.self)) {
            ServiceKey(hostname: $0.serviceName ?? "", namespace: $0.metadata.namespace ?? "")
        }
        let pods = Dictionary(
            snapshot.list(Pod.self).map { (ServiceKey(hostname: $0.metadata.name ?? "", namespace: $0.metadata.namespace ?? ""), $0) },
            uniquingKeysWith: { first, _ in first })
        let nodes = Dictionary(
            snapshot.list(Node.self).map { ($0.metadata.name ?? "", $0.metadata.labels ?? [:]) },
            uniquingKeysWith: { first, _ in first })

        for service in snapshot.list(Service.self) {
            let namespace = service.metadata.namespace ?? "default"
            let name = service.metadata.name ?? ""
            let mesh = Self.meshService(service, namespace: namespace, name: name, clusterDomain: clusterDomain)
            services.append(mesh)
            let key = ServiceKey(hostname: mesh.hostname, namespace: namespace)
            var found = Self.sliceEndpoints(
                slices[ServiceKey(hostname: name, namespace: namespace)] ?? [], service: mesh, pods: pods, nodes: nodes)
            if let selector = mesh.selector, !selector.isEmpty {
                found += workloadEntries.select(selector, namespace: namespace)
                    .compactMap { Self.endpoint($0.spec, for: mesh, origin: "WorkloadEntry \(namespace)/\($0.metadata.name ?? "")") }
            }
            endpoints[key] = found
        }

        for entry in snapshot.list(ServiceEntry.self) {
            let namespace = entry.metadata.namespace ?? "default"
            let origin = "ServiceEntry \(namespace)/\(entry.metadata.name ?? "")"
            for host in entry.spec.hosts ?? [] {
                let mesh = Self.meshService(entry.spec, host: host, namespace: namespace, origin: origin)
                services.append(mesh)
                var found: [MeshEndpoint] = []
                for (index, inline) in (entry.spec.endpoints ?? []).enumerated() {
                    if let endpoint = Self.endpoint(inline, for: mesh, origin: "\(origin) endpoints[\(index)]") {
                        found.append(endpoint)
                    }
                }
                if let selector = entry.spec.workloadSelector?.labels {
                    found += workloadEntries.select(selector, namespace: namespace)
                        .compactMap { Self.endpoint($0.spec, for: mesh, origin: "WorkloadEntry \(namespace)/\($0.metadata.name ?? "")") }
                }
                let key = ServiceKey(hostname: host, namespace: namespace)
                endpoints[key, default: []] += found
            }
        }
        self.init(services: services, endpoints: endpoints)
    }

    /// The endpoints of `service`.
    public func endpoints(of service: MeshService) -> [MeshEndpoint] {
        endpoints[ServiceKey(hostname: service.hostname, namespace: service.namespace)] ?? []
    }

    /// Whether some endpoint of `service` takes Istio mTLS (auto-mTLS applies).
    public func acceptsMutualTLS(_ service: MeshService) -> Bool {
        endpoints(of: service).contains { $0.acceptsIstioMutualTLS }
    }

    // MARK: Kubernetes Services

    static func meshService(_ service: Service, namespace: String, name: String, clusterDomain: String) -> MeshService {
        let ports = (service.spec.ports ?? []).map { port -> MeshPort in
            let protocolName = PortProtocol.resolve(declared: nil, appProtocol: port.appProtocol, name: port.name)
            var mesh = MeshPort(name: port.name ?? "", number: port.port, portProtocol: protocolName)
            switch port.targetPort {
            case .int(let number)?: mesh.targetPort = number
            case .string(let named)?: mesh.targetPortName = named
            case nil: break
            }
            return mesh
        }
        let external = service.spec.type == "ExternalName"
        return MeshService(
            hostname: "\(name).\(namespace).svc.\(clusterDomain)",
            namespace: namespace,
            ports: ports,
            resolution: external ? .dnsRoundRobin : .endpoints,
            meshInternal: !external,
            exportTo: exportTo(service.metadata.annotations?["networking.istio.io/exportTo"], namespace: namespace),
            selector: service.spec.selector,
            origin: "Service \(namespace)/\(name)")
    }

    /// Ready endpoints of the slices, with their Pods' labels and identities;
    /// serving-but-terminating endpoints are kept as draining, as Istio does.
    static func sliceEndpoints(
        _ slices: [EndpointSlice], service: MeshService, pods: [ServiceKey: Pod], nodes: [String: [String: String]]
    ) -> [MeshEndpoint] {
        var result: [MeshEndpoint] = []
        for slice in slices where slice.addressType != "FQDN" {
            let slicePorts = Dictionary(
                (slice.ports ?? []).compactMap { port in port.port.map { (port.name ?? "", $0) } },
                uniquingKeysWith: { first, _ in first })
            var portMap: [Int: Int] = [:]
            for port in service.ports {
                if let target = slicePorts[port.name] { portMap[port.number] = target }
            }
            guard !portMap.isEmpty else { continue }
            for endpoint in slice.endpoints ?? [] {
                let conditions = endpoint.conditions
                let health: MeshEndpoint.Health
                if conditions?.ready ?? true {
                    health = .healthy
                } else if conditions?.serving == true && conditions?.terminating == true {
                    health = .draining
                } else {
                    continue
                }
                let pod = endpoint.targetRef.flatMap { ref -> Pod? in
                    guard ref.kind == "Pod" else { return nil }
                    return pods[ServiceKey(hostname: ref.name ?? "", namespace: ref.namespace ?? service.namespace)]
                }
                let nodeLabels = (endpoint.nodeName ?? pod?.spec.nodeName).flatMap { nodes[$0] } ?? [:]
                let locality = Self.locality(
                    region: nodeLabels["topology.kubernetes.io/region"],
                    zone: endpoint.zone ?? nodeLabels["topology.kubernetes.io/zone"],
                    subzone: nodeLabels["topology.istio.io/subzone"])
                for address in endpoint.addresses {
                    result.append(
                        MeshEndpoint(
                            address: address, ports: portMap, labels: pod?.metadata.labels ?? [:], locality: locality,
                            serviceAccount: pod.map { $0.spec.serviceAccountName ?? "default" }, health: health,
                            origin: "EndpointSlice \(slice.metadata.namespace ?? "")/\(slice.metadata.name ?? "")"))
                }
            }
        }
        return result
    }

    static func locality(region: String?, zone: String?, subzone: String?) -> String? {
        guard region != nil || zone != nil else { return nil }
        return [region ?? "", zone ?? "", subzone ?? ""].joined(separator: "/")
    }

    // MARK: ServiceEntries

    static func meshService(_ spec: ServiceEntrySpec, host: String, namespace: String, origin: String) -> MeshService {
        let ports = (spec.ports ?? []).compactMap { port -> MeshPort? in
            guard let number = port.number else { return nil }
            return MeshPort(
                name: port.name ?? "", number: number,
                portProtocol: PortProtocol.resolve(declared: port.protocol, name: port.name),
                targetPort: port.targetPort)
        }
        let resolution: MeshService.Resolution
        switch spec.resolution ?? .none {
        case .none: resolution = .passthrough
        case .static: resolution = .endpoints
        case .dns, .dynamicDNS: resolution = .dns
        case .dnsRoundRobin: resolution = .dnsRoundRobin
        }
        return MeshService(
            hostname: host, namespace: namespace, ports: ports, resolution: resolution,
            meshInternal: spec.location == .meshInternal,
            exportTo: exportTo(spec.exportTo, namespace: namespace),
            selector: spec.workloadSelector?.labels,
            subjectAltNames: spec.subjectAltNames ?? [],
            origin: origin)
    }

    /// A WorkloadEntry (or inline endpoint) as an endpoint of `service`: each service
    /// port goes to the entry's port of the same name, else the target port, else itself.
    static func endpoint(_ entry: WorkloadEntrySpec, for service: MeshService, origin: String) -> MeshEndpoint? {
        guard let address = entry.address, !address.isEmpty else { return nil }
        var ports: [Int: Int] = [:]
        for port in service.ports {
            ports[port.number] = entry.ports?[port.name] ?? port.targetPort ?? port.number
        }
        return MeshEndpoint(
            address: address, ports: ports, labels: entry.labels ?? [:], locality: entry.locality,
            weight: entry.weight, serviceAccount: entry.serviceAccount, origin: origin)
    }

    /// `exportTo` with `.` resolved to the owner's namespace; absent means everywhere.
    static func exportTo(_ values: [String]?, namespace: String) -> Set<String> {
        guard let values, !values.isEmpty else { return ["*"] }
        return Set(values.map { $0 == "." ? namespace : $0 })
    }

    static func exportTo(_ annotation: String?, namespace: String) -> Set<String> {
        exportTo(annotation?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }, namespace: namespace)
    }
}
