import Discovery
import SwiftProtobuf
import XDS

/// The per-route settings of HTTP filters: `fault` for the fault filter and
/// `corsPolicy` for the CORS filter, placed in the route's
/// `typed_per_filter_config` under the filters' names.
enum PerFilterConfigTranslation {
    /// Filter names the connection manager's `http_filters` use.
    static let faultFilter = "envoy.filters.http.fault"
    static let corsFilter = "envoy.filters.http.cors"

    /// gRPC status names Istio accepts in `fault.abort.grpcStatus`, with their codes.
    static let grpcStatusCodes: [String: UInt32] = [
        "OK": 0, "CANCELLED": 1, "UNKNOWN": 2, "INVALID_ARGUMENT": 3, "DEADLINE_EXCEEDED": 4,
        "NOT_FOUND": 5, "ALREADY_EXISTS": 6, "PERMISSION_DENIED": 7, "RESOURCE_EXHAUSTED": 8,
        "FAILED_PRECONDITION": 9, "ABORTED": 10, "OUT_OF_RANGE": 11, "UNIMPLEMENTED": 12,
        "INTERNAL": 13, "UNAVAILABLE": 14, "DATA_LOSS": 15, "UNAUTHENTICATED": 16,
    ]

    /// `fault` as the fault filter's config; nil when nothing in it can be injected.
    ///
    /// A delay takes `percentage` (parts per million) or else the legacy integer
    /// `percent` (over 100); only fixed delays exist in Envoy, so an exponential one
    /// is left out. An abort is an HTTP or gRPC status with its `percentage`;
    /// `http2Error` aborts have no Envoy equivalent and are left out.
    static func fault(_ fault: VirtualServiceSpec.HTTPFaultInjection) throws -> Envoy_Extensions_Filters_Http_Fault_V3_HTTPFault? {
        var out = Envoy_Extensions_Filters_Http_Fault_V3_HTTPFault()
        var any = false
        if let delay = fault.delay, let fixed = delay.fixedDelay {
            if let percentage = delay.percentage {
                out.delay.percentage = DurationConversion.fractionalPercent(percentage.value ?? 0)
            } else {
                out.delay.percentage = DurationConversion.fractionalPercent(whole: delay.percent ?? 0)
            }
            out.delay.faultDelaySecifier = .fixedDelay(DurationConversion.protobuf(fixed))
            any = true
        }
        if let abort = fault.abort {
            var envoyAbort = Envoy_Extensions_Filters_Http_Fault_V3_FaultAbort()
            if let percentage = abort.percentage {
                envoyAbort.percentage = DurationConversion.fractionalPercent(percentage.value ?? 0)
            }
            if let status = abort.httpStatus {
                envoyAbort.errorType = .httpStatus(UInt32(clamping: status))
            } else if let name = abort.grpcStatus {
                guard let code = grpcStatusCodes[name] else {
                    throw Invalid(reason: "fault.abort.grpcStatus \"\(name)\" is not a gRPC status name")
                }
                envoyAbort.errorType = .grpcStatus(code)
            }
            if envoyAbort.errorType != nil {
                out.abort = envoyAbort
                any = true
            }
        }
        return any ? out : nil
    }

    /// `corsPolicy` as the CORS filter's per-route policy.
    ///
    /// Origins come from `allowOrigins` (StringMatch) or else the legacy exact
    /// `allowOrigin`; lists become comma-separated headers; `maxAge` whole seconds.
    /// The policy is always enforced (100%), and preflights whose origin does not
    /// match are passed upstream unless `unmatchedPreflights: IGNORE`.
    static func cors(_ policy: VirtualServiceSpec.CorsPolicy) -> Envoy_Extensions_Filters_Http_Cors_V3_CorsPolicy {
        var out = Envoy_Extensions_Filters_Http_Cors_V3_CorsPolicy()
        out.forwardNotMatchingPreflights = Google_Protobuf_BoolValue(policy.unmatchedPreflights != .ignore)
        if let origins = policy.allowOrigins {
            out.allowOriginStringMatch = origins.compactMap(RouteMatchTranslation.stringMatcher)
        } else if let origins = policy.allowOrigin {
            out.allowOriginStringMatch = origins.map { origin in
                var matcher = Envoy_Type_Matcher_V3_StringMatcher()
                matcher.matchPattern = .exact(origin)
                return matcher
            }
        }
        out.filterEnabled.defaultValue = DurationConversion.fractionalPercent(whole: 100)
        if let credentials = policy.allowCredentials {
            out.allowCredentials = Google_Protobuf_BoolValue(credentials)
        }
        out.allowHeaders = (policy.allowHeaders ?? []).joined(separator: ",")
        out.allowMethods = (policy.allowMethods ?? []).joined(separator: ",")
        out.exposeHeaders = (policy.exposeHeaders ?? []).joined(separator: ",")
        if let maxAge = policy.maxAge {
            out.maxAge = String(maxAge.duration.components.seconds)
        }
        return out
    }

    /// A field the translation cannot express, without the route's position yet.
    struct Invalid: Error {
        var reason: String
    }
}
