import Discovery
import Synchronization
public import XDS

/// The xDS server's view of the mesh: generates each proxy's resources from the
/// current PushContext. The push controller swaps in a new context on every
/// change; a generation in flight keeps the one it started with.
public final class MeshProvider: ResourceProvider {
    private struct State {
        var context: PushContext
        /// Bumped with every new context, so a table built from an older one is
        /// never stored beside the new context's.
        var generation = 0
        var routeTables = SharedRouteTables()
    }

    private let state: Mutex<State>

    public init(context: PushContext) {
        self.state = Mutex(State(context: context))
    }

    /// The context generations use from now on.
    public var context: PushContext {
        get { state.withLock { $0.context } }
        set {
            state.withLock {
                $0.context = newValue
                $0.generation += 1
                $0.routeTables = SharedRouteTables()
            }
        }
    }

    public var typeURLs: Set<TypeURL> { MeshGenerator.typeURLs }

    public func resources(_ typeURL: TypeURL, for proxy: ProxyNode, names: Set<String>?) async throws -> [XDSResource] {
        let (context, generation) = state.withLock { ($0.context, $0.generation) }
        let generator = MeshGenerator(context: context)
        // Named sidecar and gateway route tables are shared; everything else
        // (a wildcard request, proxyless clients) is generated per proxy.
        guard typeURL == .route, let names, !ProxylessGRPCGenerator.serves(proxy) else {
            return try generator.resources(typeURL, for: proxy, names: names)
        }
        let meshProxy = MeshProxy(proxy)
        var found: [String: XDSResource] = [:]
        state.withLock { state in
            guard state.generation == generation else { return }
            for name in names {
                if let table = state.routeTables[SharedRouteTables.key(meshProxy, name: name)] { found[name] = table }
            }
        }
        let missing = names.subtracting(found.keys)
        if !missing.isEmpty {
            let built = try generator.resources(.route, for: proxy, names: missing)
            state.withLock { state in
                guard state.generation == generation else { return }
                for table in built { state.routeTables[SharedRouteTables.key(meshProxy, name: table.name)] = table }
            }
            for table in built { found[table.name] = table }
        }
        return found.keys.sorted().compactMap { found[$0] }
    }
}
