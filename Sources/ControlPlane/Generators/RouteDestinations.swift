import Discovery

/// Turns a VirtualService destination into its cluster name: the host resolved
/// against the VirtualService's namespace, the port as written, else the service's
/// only port, else the port the request arrived on.
struct RouteDestinations: Sendable {
    let context: PushContext
    /// The namespace of the object that wrote the destination.
    let namespace: String

    func clusterName(_ destination: Destination, defaultPort: Int) -> String {
        let host = context.resolver.qualify(destination.host, namespace: namespace)
        let port: Int
        if let written = destination.port?.number {
            port = written
        } else if let service = context.service(host, from: namespace), service.ports.count == 1, let only = service.ports.first {
            port = only.number
        } else {
            port = defaultPort
        }
        return MeshNames.outboundCluster(host: host, port: port, subset: destination.subset)
    }
}
