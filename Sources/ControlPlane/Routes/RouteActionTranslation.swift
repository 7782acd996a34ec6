import Discovery
import SwiftProtobuf
import XDS

/// The forwarding half of an HTTP route: destinations, rewrites, timeout, mirrors,
/// retries and hash policies, as Envoy's `RouteAction`.
enum RouteActionTranslation {
    /// Fills `route` with the action for `http`, whose route-level header edits
    /// (`headers`) are already on `route`.
    ///
    /// One destination becomes `cluster` (its header edits join the route's); several
    /// become `weighted_clusters` with the weights as written, leaving out those of
    /// weight 0 (their header edits stay on their cluster entry). The host rewrite is
    /// `rewrite.authority`, else a request `:authority`/`host` header edit, else (one
    /// destination) the destination's own.
    static func apply(
        _ http: VirtualServiceSpec.HTTPRoute,
        to route: inout Envoy_Config_Route_V3_Route,
        authority headerAuthority: String?,
        context: HTTPRouteContext
    ) throws {
        var action = Envoy_Config_Route_V3_RouteAction()
        applyTimeout(http.timeout, to: &action, context: context)

        var authority = headerAuthority
        if let rewrite = http.rewrite {
            if let regex = rewrite.uriRegexRewrite {
                action.regexRewrite.pattern = RouteMatchTranslation.regexMatcher(regex.match ?? "")
                action.regexRewrite.substitution = regex.rewrite ?? ""
            } else if let uri = rewrite.uri, !uri.isEmpty {
                // With an exact path match the "prefix" is the whole path, so this
                // replaces it entirely.
                action.prefixRewrite = uri
            }
            if let rewritten = rewrite.authority, !rewritten.isEmpty { authority = rewritten }
        }
        if let authority { action.hostRewriteSpecifier = .hostRewriteLiteral(authority) }

        action.requestMirrorPolicies = mirrors(http, context: context)

        let destinations = http.route ?? []
        var consistentHash = false
        if destinations.count == 1 {
            let only = destinations[0]
            action.cluster = context.cluster(for: only.destination)
            let edits = HeaderEdits(only.headers)
            route.requestHeadersToAdd += edits.requestHeadersToAdd
            route.requestHeadersToRemove += edits.requestHeadersToRemove
            route.responseHeadersToAdd += edits.responseHeadersToAdd
            route.responseHeadersToRemove += edits.responseHeadersToRemove
            if let destinationAuthority = edits.authority, action.hostRewriteSpecifier == nil {
                action.hostRewriteSpecifier = .hostRewriteLiteral(destinationAuthority)
            }
            let hashes = context.hashPolicy(context.qualified(only.destination))
            action.hashPolicy += hashes
            consistentHash = !hashes.isEmpty
        } else {
            var weighted = Envoy_Config_Route_V3_WeightedCluster()
            for entry in destinations where (entry.weight ?? 0) != 0 {
                var cluster = Envoy_Config_Route_V3_WeightedCluster.ClusterWeight()
                cluster.name = context.cluster(for: entry.destination)
                cluster.weight = Google_Protobuf_UInt32Value(UInt32(clamping: entry.weight ?? 0))
                let edits = HeaderEdits(entry.headers)
                cluster.requestHeadersToAdd = edits.requestHeadersToAdd
                cluster.requestHeadersToRemove = edits.requestHeadersToRemove
                cluster.responseHeadersToAdd = edits.responseHeadersToAdd
                cluster.responseHeadersToRemove = edits.responseHeadersToRemove
                if let destinationAuthority = edits.authority {
                    cluster.hostRewriteSpecifier = .hostRewriteLiteral(destinationAuthority)
                }
                weighted.clusters.append(cluster)
                action.hashPolicy += context.hashPolicy(context.qualified(entry.destination))
            }
            guard !weighted.clusters.isEmpty else {
                throw PerFilterConfigTranslation.Invalid(
                    reason: destinations.isEmpty ? "route has no destination" : "every destination has weight 0")
            }
            action.weightedClusters = weighted
        }

        if let retry = RetryPolicyTranslation.policy(
            http.retries ?? context.meshDefaultRetry, consistentHash: consistentHash)
        {
            action.retryPolicy = retry
        }
        route.route = action
    }

    /// `timeout` (0, i.e. none, when unset: Istio turns Envoy's 15 s default off).
    /// gRPC's `grpc-timeout` header is capped by the same value (0: used as sent); a
    /// proxyless gRPC client reads the timeout as `max_stream_duration` instead.
    static func applyTimeout(
        _ timeout: ConfigDuration?, to action: inout Envoy_Config_Route_V3_RouteAction, context: HTTPRouteContext?
    ) {
        let value = timeout.map(DurationConversion.protobuf) ?? Google_Protobuf_Duration()
        action.timeout = value
        if context?.proxylessGRPC == true {
            // Proxyless gRPC reads its deadline from max_stream_duration.
            action.maxStreamDuration.maxStreamDuration = value
        } else {
            // Not max_stream_duration: with it set, Envoy's router ignores `timeout`.
            action.maxGrpcTimeout = value
        }
    }

    /// `mirror` (with `mirrorPercentage`, else the legacy `mirrorPercent`, else all
    /// requests) and each of `mirrors` (with its `percentage`, else all); an explicit
    /// 0% mirrors nothing and is left out.
    static func mirrors(_ http: VirtualServiceSpec.HTTPRoute, context: HTTPRouteContext) -> [Envoy_Config_Route_V3_RouteAction.RequestMirrorPolicy] {
        var out: [Envoy_Config_Route_V3_RouteAction.RequestMirrorPolicy] = []
        if let mirror = http.mirror {
            let fraction: Envoy_Type_V3_FractionalPercent?
            if let percentage = http.mirrorPercentage {
                let value = percentage.value ?? 0
                fraction = value > 0 ? DurationConversion.fractionalPercent(value) : nil
            } else if let percent = http.mirrorPercent ?? http.mirror_percent {
                fraction = percent > 0 ? DurationConversion.fractionalPercent(whole: percent) : nil
            } else {
                fraction = DurationConversion.fractionalPercent(whole: 100)
            }
            if let fraction { out.append(mirrorPolicy(context.cluster(for: mirror), fraction)) }
        }
        for mirror in http.mirrors ?? [] {
            let fraction: Envoy_Type_V3_FractionalPercent?
            if let percentage = mirror.percentage {
                let value = percentage.value ?? 0
                fraction = value > 0 ? DurationConversion.fractionalPercent(value) : nil
            } else {
                fraction = DurationConversion.fractionalPercent(whole: 100)
            }
            if let fraction { out.append(mirrorPolicy(context.cluster(for: mirror.destination), fraction)) }
        }
        return out
    }

    private static func mirrorPolicy(
        _ cluster: String, _ fraction: Envoy_Type_V3_FractionalPercent
    ) -> Envoy_Config_Route_V3_RouteAction.RequestMirrorPolicy {
        var policy = Envoy_Config_Route_V3_RouteAction.RequestMirrorPolicy()
        policy.cluster = cluster
        policy.runtimeFraction.defaultValue = fraction
        // Mirrored requests do not force the original's trace to be sampled.
        policy.traceSampled = Google_Protobuf_BoolValue(false)
        return policy
    }
}
