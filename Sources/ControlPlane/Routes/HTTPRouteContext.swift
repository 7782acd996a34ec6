import Discovery
import XDS

/// What translating one VirtualService's HTTP routes depends on: where the routes
/// will be served (port, gateway or sidecar), who the proxy is (for source
/// conditions), and how destinations become Envoy clusters.
///
/// Everything is passed in, so translation is a pure function of its inputs.
public struct HTTPRouteContext: Sendable {
    /// The VirtualService's namespace: short destination hosts and gateway names
    /// resolve against it.
    public var namespace: String
    /// Qualifies short host names (`reviews` → `reviews.NS.svc.cluster.local`).
    public var hostResolver: HostNameResolver
    /// The port the route configuration serves: matches with another `port` are
    /// dropped, and it is the default port of destinations that name none.
    public var listenerPort: Int
    /// The gateways the route configuration is for, as `NS/NAME`, or `["mesh"]` for
    /// sidecars; a match listing `gateways` applies only when one of them is here.
    public var gateways: Set<String>
    /// The proxy's labels, for `sourceLabels`.
    public var proxyLabels: [String: String]
    /// The proxy's namespace, for `sourceNamespace`.
    public var proxyNamespace: String
    /// Whether the listener terminates TLS (a gateway HTTPS server): the scheme a
    /// redirect keeps when it names a port but no scheme.
    public var listenerIsTLS: Bool
    /// Whether the proxy is a proxyless gRPC client: it reads the route timeout from
    /// `max_stream_duration` rather than `timeout`.
    public var proxylessGRPC: Bool
    /// MeshConfig `defaultHttpRetryPolicy`: used by routes without `retries`; nil
    /// gives Istio's built-in default (2 attempts).
    public var meshDefaultRetry: VirtualServiceSpec.HTTPRetry?
    /// The Envoy cluster for a destination whose host is already fully qualified;
    /// `defaultPort` is the listener port, for destinations without a port (the
    /// caller may prefer a single-port service's only port, as Istio does).
    public var clusterName: @Sendable (Destination, _ defaultPort: Int) -> String
    /// The consistent-hash policies for a destination (DestinationRule
    /// `consistentHash` lives on the route in Envoy); empty when it has none.
    public var hashPolicy: @Sendable (Destination) -> [Envoy_Config_Route_V3_RouteAction.HashPolicy]

    /// A context; by default the routes are for a sidecar (`mesh`) and clusters are
    /// `outbound|PORT|SUBSET|HOST` with the destination's port, else the listener's.
    public init(
        namespace: String,
        hostResolver: HostNameResolver = HostNameResolver(),
        listenerPort: Int,
        gateways: Set<String> = [HTTPRouteContext.meshGateway],
        proxyLabels: [String: String] = [:],
        proxyNamespace: String,
        listenerIsTLS: Bool = false,
        proxylessGRPC: Bool = false,
        meshDefaultRetry: VirtualServiceSpec.HTTPRetry? = nil,
        clusterName: @escaping @Sendable (Destination, _ defaultPort: Int) -> String = HTTPRouteContext.outboundClusterName,
        hashPolicy: @escaping @Sendable (Destination) -> [Envoy_Config_Route_V3_RouteAction.HashPolicy] = { _ in [] }
    ) {
        self.namespace = namespace
        self.hostResolver = hostResolver
        self.listenerPort = listenerPort
        self.gateways = gateways
        self.proxyLabels = proxyLabels
        self.proxyNamespace = proxyNamespace
        self.listenerIsTLS = listenerIsTLS
        self.proxylessGRPC = proxylessGRPC
        self.meshDefaultRetry = meshDefaultRetry
        self.clusterName = clusterName
        self.hashPolicy = hashPolicy
    }

    /// The reserved gateway name that stands for every sidecar in the mesh.
    public static let meshGateway = "mesh"

    /// `outbound|PORT|SUBSET|HOST` with the destination's port, else `defaultPort`.
    public static func outboundClusterName(_ destination: Destination, defaultPort: Int) -> String {
        MeshNames.outboundCluster(
            host: destination.host, port: destination.port?.number ?? defaultPort, subset: destination.subset)
    }

    /// A gateway reference as written in a VirtualService, resolved the way Istio
    /// does: `name` and `./name` are in the VirtualService's namespace, the legacy
    /// `name.ns(.svc...)` form becomes `ns/name`, `ns/name` and `mesh` stay.
    public func resolveGateway(_ name: String) -> String {
        GatewayReference.resolve(name, namespace: namespace)
    }

    /// The destination with its host fully qualified against the VirtualService's
    /// namespace.
    func qualified(_ destination: Destination) -> Destination {
        var out = destination
        out.host = hostResolver.qualify(destination.host, namespace: namespace)
        return out
    }

    /// The cluster a destination goes to.
    func cluster(for destination: Destination) -> String {
        clusterName(qualified(destination), listenerPort)
    }
}

/// A VirtualService HTTP route that cannot be expressed as Envoy configuration
/// (input that Istio's validation would have rejected).
public struct HTTPRouteTranslationError: Error, Hashable, CustomStringConvertible {
    /// The VirtualService's name.
    public var virtualService: String
    /// The position of the route in `http`.
    public var index: Int
    /// The field at fault and why.
    public var reason: String

    /// An error for route `index` of VirtualService `virtualService`.
    public init(virtualService: String, index: Int, reason: String) {
        self.virtualService = virtualService
        self.index = index
        self.reason = reason
    }

    /// `VirtualService NAME: http[INDEX]: REASON`.
    public var description: String { "VirtualService \(virtualService): http[\(index)]: \(reason)" }
}
