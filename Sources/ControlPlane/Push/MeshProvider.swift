public import Discovery
import Synchronization
public import XDS

/// The xDS server's view of the mesh: generates each proxy's resources from the
/// current PushContext. The push controller swaps in a new context on every
/// change; a generation in flight keeps the one it started with.
public final class MeshProvider: ResourceProvider {
    private let current: Mutex<PushContext>

    public init(context: PushContext) {
        self.current = Mutex(context)
    }

    /// The context generations use from now on.
    public var context: PushContext {
        get { current.withLock { $0 } }
        set { current.withLock { $0 = newValue } }
    }

    public var typeURLs: Set<TypeURL> { MeshGenerator.typeURLs }

    public func resources(_ typeURL: TypeURL, for proxy: ProxyNode, names: Set<String>?) async throws -> [XDSResource] {
        try MeshGenerator(context: context).resources(typeURL, for: proxy, names: names)
    }
}
