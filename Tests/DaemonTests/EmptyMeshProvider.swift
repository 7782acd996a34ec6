import XDS

/// What the xDS server serves while no mesh translation is plugged in: every Envoy
/// type, with no resources. Proxies connect, ACK an empty configuration and show up
/// in `/debug/syncz`; the translator replaces this provider.
struct EmptyMeshProvider: ResourceProvider {
    init() {}

    var typeURLs: Set<TypeURL> { [.cluster, .endpoint, .listener, .route, .secret] }

    func resources(_ typeURL: TypeURL, for proxy: ProxyNode, names: Set<String>?) async throws -> [XDSResource] {
        []
    }
}
