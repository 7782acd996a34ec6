import Discovery
import SwiftProtobuf
import XDS

/// Istio VirtualService HTTP routes → Envoy `Route`s, as istiod builds them
/// (pilot/pkg/networking/core/route): pure, deterministic (maps are emitted sorted),
/// for one route configuration (a port, and a gateway set or the mesh).
///
/// Domains, virtual hosts, which VirtualServices apply where, and `delegate`
/// (merging a delegate VirtualService's routes into its parent's) are the caller's.
public enum HTTPRouteTranslator {
    /// The name Istio gives the route of a service without a VirtualService.
    public static let defaultRouteName = "default"

    /// Envoy routes for a VirtualService's `http` list, in order.
    ///
    /// Each route with N matches gives up to N Envoy routes (none gives one, matching
    /// every request). A match is dropped when it cannot apply here: its `port` is
    /// not the listener's, its `gateways` do not include ours, or the proxy lacks its
    /// `sourceLabels`/`sourceNamespace`. Routes after one that matches every request
    /// are left out, as Envoy could never reach them. A route named `N` gives Envoy
    /// routes named `N` (or `N.MATCH` for a named match). Routes with a `delegate`
    /// give nothing here.
    ///
    /// - Parameters:
    ///   - http: the VirtualService's `http` list.
    ///   - vsName: the VirtualService's name (route metadata, tracing operations).
    /// - Throws: ``HTTPRouteTranslationError`` for a route Envoy could not take
    ///   (an unknown redirect code or gRPC status, a body that is not base64, no
    ///   destination with a weight).
    public static func routes(
        _ http: [VirtualServiceSpec.HTTPRoute], name vsName: String, context: HTTPRouteContext
    ) throws -> [Envoy_Config_Route_V3_Route] {
        var out: [Envoy_Config_Route_V3_Route] = []
        for (index, entry) in http.enumerated() where entry.delegate == nil {
            let matches: [VirtualServiceSpec.HTTPMatchRequest?] = (entry.match ?? []).isEmpty ? [nil] : (entry.match ?? []).map { $0 }
            var reachedCatchAll = false
            for match in matches {
                guard RouteMatchTranslation.applies(match, context: context),
                    !RouteMatchTranslation.isUnsupported(match)
                else { continue }
                let route: Envoy_Config_Route_V3_Route
                do {
                    route = try translate(entry, match: match, vsName: vsName, context: context)
                } catch let invalid as PerFilterConfigTranslation.Invalid {
                    throw HTTPRouteTranslationError(virtualService: vsName, index: index, reason: invalid.reason)
                }
                out.append(route)
                if match == nil || RouteMatchTranslation.isCatchAll(route.match) {
                    reachedCatchAll = true
                    break
                }
            }
            if reachedCatchAll { break }
        }
        return out
    }

    /// The route of a service without a VirtualService: every path (prefix `/`) to
    /// `cluster`, named `default`, with Istio's defaults (no timeout, the default
    /// retry policy or MeshConfig's `defaultHttpRetryPolicy`) and the consistent-hash
    /// policies of the service's DestinationRule, if any.
    public static func defaultRoute(
        cluster: String,
        hashPolicy: [Envoy_Config_Route_V3_RouteAction.HashPolicy] = [],
        meshDefaultRetry: VirtualServiceSpec.HTTPRetry? = nil
    ) -> Envoy_Config_Route_V3_Route {
        var route = Envoy_Config_Route_V3_Route()
        route.name = defaultRouteName
        route.match.pathSpecifier = .prefix("/")
        var action = Envoy_Config_Route_V3_RouteAction()
        action.cluster = cluster
        action.hashPolicy = hashPolicy
        // The default route keeps avoiding previous hosts even with a hash policy, as
        // Istio's does.
        if let retry = RetryPolicyTranslation.policy(meshDefaultRetry, consistentHash: false) {
            action.retryPolicy = retry
        }
        RouteActionTranslation.applyTimeout(nil, to: &action, context: nil)
        route.route = action
        if let (host, port) = hostAndPort(ofCluster: cluster) {
            route.decorator.operation = "\(host):\(port)/*"
        } else {
            route.decorator.operation = "\(cluster)/*"
        }
        return route
    }

    /// One Envoy route for one match (nil: every request) of an HTTP route.
    static func translate(
        _ http: VirtualServiceSpec.HTTPRoute,
        match: VirtualServiceSpec.HTTPMatchRequest?,
        vsName: String,
        context: HTTPRouteContext
    ) throws -> Envoy_Config_Route_V3_Route {
        var route = Envoy_Config_Route_V3_Route()
        route.name = http.name ?? ""
        if let matchName = match?.name, !matchName.isEmpty {
            route.name += ".\(matchName)"
        }
        route.match = RouteMatchTranslation.routeMatch(match)
        route.metadata = configMetadata(vsName: vsName, namespace: context.namespace)
        if let statPrefix = match?.statPrefix, !statPrefix.isEmpty {
            route.statPrefix = statPrefix
        }

        let edits = HeaderEdits(http.headers)
        route.requestHeadersToAdd = edits.requestHeadersToAdd
        route.requestHeadersToRemove = edits.requestHeadersToRemove
        route.responseHeadersToAdd = edits.responseHeadersToAdd
        route.responseHeadersToRemove = edits.responseHeadersToRemove

        if let redirect = http.redirect {
            route.redirect = try ResponseActionTranslation.redirect(
                redirect, listenerPort: context.listenerPort, listenerIsTLS: context.listenerIsTLS)
        } else if let response = http.directResponse {
            route.directResponse = try ResponseActionTranslation.directResponse(response)
        } else {
            try RouteActionTranslation.apply(http, to: &route, authority: edits.authority, context: context)
        }
        route.decorator.operation = operation(of: route, vsName: vsName, port: context.listenerPort)

        if let fault = http.fault, let config = try PerFilterConfigTranslation.fault(fault) {
            route.typedPerFilterConfig[PerFilterConfigTranslation.faultFilter] = try XDSResource.pack(config)
        }
        if let cors = http.corsPolicy {
            route.typedPerFilterConfig[PerFilterConfigTranslation.corsFilter] =
                try XDSResource.pack(PerFilterConfigTranslation.cors(cors))
        }
        return route
    }

    /// Route metadata naming the VirtualService the route came from, under the
    /// `istio` filter key, as istiod writes it (config dumps and tooling read it).
    static func configMetadata(vsName: String, namespace: String) -> Envoy_Config_Core_V3_Metadata {
        var fields = Google_Protobuf_Struct()
        fields.fields["config"] = Google_Protobuf_Value(
            stringValue: "/apis/networking.istio.io/v1/namespaces/\(namespace)/virtual-service/\(vsName)")
        var metadata = Envoy_Config_Core_V3_Metadata()
        metadata.filterMetadata["istio"] = fields
        return metadata
    }

    /// The tracing operation: `HOST:PORT` of the single destination cluster, else
    /// `VSNAME:LISTENERPORT`, followed by the path (`PREFIX*`, the exact path or the
    /// regex).
    static func operation(of route: Envoy_Config_Route_V3_Route, vsName: String, port: Int) -> String {
        let path: String
        switch route.match.pathSpecifier {
        case .prefix(let prefix)?: path = prefix + "*"
        case .path(let exact)?: path = exact
        case .safeRegex(let regex)?: path = regex.regex
        default: path = "/*"
        }
        if case .route(let action)? = route.action, case .cluster(let cluster)? = action.clusterSpecifier,
            let (host, clusterPort) = hostAndPort(ofCluster: cluster)
        {
            return "\(host):\(clusterPort)\(path)"
        }
        return "\(vsName):\(port)\(path)"
    }

    /// Host and port of a `DIRECTION|PORT|SUBSET|HOST` cluster name.
    static func hostAndPort(ofCluster cluster: String) -> (String, Int)? {
        let parts = cluster.split(separator: "|", omittingEmptySubsequences: false)
        guard parts.count == 4, let port = Int(parts[1]) else { return nil }
        return (String(parts[3]), port)
    }
}
