import Foundation

/// A generated config directory of `services` services, as a user would write it:
/// one file per service (a ServiceEntry and its 2–3 WorkloadEntries), and for every
/// tenth service a VirtualService (a header match, then a 90/10 split) and a
/// DestinationRule with two subsets, both bound to the mesh and to one Gateway.
///
/// Services are spread over ten namespaces so lookups by namespace do real work.
struct MeshFixture {
    let root: URL
    let services: Int

    static let namespaces = 10
    static let port = 8080
    /// The Gateway every router proxy with `istio: ingressgateway` binds.
    static let gatewayNamespace = "bench-0"
    static let gatewayName = "bench-gateway"

    static func namespace(_ index: Int) -> String { "bench-\(index % namespaces)" }
    static func name(_ index: Int) -> String { "svc-\(index)" }
    static func hostname(_ index: Int) -> String { "\(name(index)).\(namespace(index)).svc.cluster.local" }
    static func hasRouting(_ index: Int) -> Bool { index % 10 == 0 }

    /// Writes the directory (replacing whatever was there).
    static func write(services: Int, to root: URL) throws -> MeshFixture {
        let files = FileManager.default
        try? files.removeItem(at: root)
        for folder in ["services", "routing"] {
            try files.createDirectory(at: root.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        var address = 0
        for index in 0..<services {
            let replicas = index % 2 == 0 ? 3 : 2
            var text = serviceEntry(index)
            for replica in 0..<replicas {
                address += 1
                text += "---\n" + workloadEntry(index, replica: replica, address: endpointAddress(address))
            }
            try write(text, to: root.appendingPathComponent("services/\(name(index)).yaml"))
            if hasRouting(index) {
                try write(virtualService(index, weights: (90, 10)), to: root.appendingPathComponent("routing/\(name(index))-vs.yaml"))
                try write(destinationRule(index), to: root.appendingPathComponent("routing/\(name(index))-dr.yaml"))
            }
        }
        try write(gateway(), to: root.appendingPathComponent("gateway.yaml"))
        return MeshFixture(root: root, services: services)
    }

    /// Rewrites service `index`'s VirtualService with new weights (atomically, as an
    /// editor that saves through a rename does, so the watcher never reads half a file).
    func rewriteVirtualService(_ index: Int, weights: (Int, Int)) throws {
        try Self.write(Self.virtualService(index, weights: weights),
                       to: root.appendingPathComponent("routing/\(Self.name(index))-vs.yaml"))
    }

    /// Adds one more WorkloadEntry to service `index`, in a file of its own: an
    /// endpoint-only change.
    func addWorkloadEntry(_ index: Int, replica: Int, address: String) throws {
        try Self.write(Self.workloadEntry(index, replica: replica, address: address),
                       to: root.appendingPathComponent("services/\(Self.name(index))-extra-\(replica).yaml"))
    }

    /// Distinct 10.x.y.z addresses, one per endpoint.
    static func endpointAddress(_ serial: Int) -> String {
        "10.\(serial / 65_536 % 256).\(serial / 256 % 256).\(serial % 256)"
    }

    static func write(_ text: String, to url: URL) throws {
        try Data(text.utf8).write(to: url, options: .atomic)
    }

    static func serviceEntry(_ index: Int) -> String {
        """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: \(name(index)), namespace: \(namespace(index))}
        spec:
          hosts: [\(hostname(index))]
          location: MESH_INTERNAL
          resolution: STATIC
          ports: [{number: \(port), name: http, protocol: HTTP}]
          workloadSelector: {labels: {app: \(name(index))}}

        """
    }

    /// The first replica is `v1`, the others `v2`: the DestinationRule's subsets.
    static func workloadEntry(_ index: Int, replica: Int, address: String) -> String {
        """
        apiVersion: networking.istio.io/v1
        kind: WorkloadEntry
        metadata: {name: \(name(index))-\(replica), namespace: \(namespace(index))}
        spec: {address: \(address), labels: {app: \(name(index)), version: v\(replica == 0 ? 1 : 2)}, serviceAccount: \(name(index))}

        """
    }

    static func virtualService(_ index: Int, weights: (Int, Int)) -> String {
        """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: \(name(index)), namespace: \(namespace(index))}
        spec:
          hosts: [\(hostname(index))]
          gateways: [mesh, \(gatewayNamespace)/\(gatewayName)]
          http:
          - match: [{headers: {end-user: {exact: jason}}}]
            route: [{destination: {host: \(hostname(index)), subset: v2, port: {number: \(port)}}}]
          - route:
            - destination: {host: \(hostname(index)), subset: v1, port: {number: \(port)}}
              weight: \(weights.0)
            - destination: {host: \(hostname(index)), subset: v2, port: {number: \(port)}}
              weight: \(weights.1)

        """
    }

    static func destinationRule(_ index: Int) -> String {
        """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: \(name(index)), namespace: \(namespace(index))}
        spec:
          host: \(hostname(index))
          subsets:
          - {name: v1, labels: {version: v1}}
          - {name: v2, labels: {version: v2}}

        """
    }

    static func gateway() -> String {
        """
        apiVersion: networking.istio.io/v1
        kind: Gateway
        metadata: {name: \(gatewayName), namespace: \(gatewayNamespace)}
        spec:
          selector: {istio: ingressgateway}
          servers:
          - port: {number: \(port), name: http, protocol: HTTP}
            hosts: ["*/*"]

        """
    }
}
