import Discovery
import Foundation
import SwiftProtobuf
import XDS

/// Istio's `HTTPRetry` → Envoy `RetryPolicy`, with Istio's defaults.
enum RetryPolicyTranslation {
    /// Istio's conditions when `retryOn` is not given.
    static let defaultRetryOn = "connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes"
    /// Istio's attempts when `retries` is not given.
    static let defaultAttempts: UInt32 = 2
    /// How often Envoy re-picks a host that the retry predicates refuse.
    static let hostSelectionRetryMaxAttempts: Int64 = 5
    static let previousHostsPredicate = "envoy.retry_host_predicates.previous_hosts"
    static let previousPriorities = "envoy.retry_priorities.previous_priorities"
    /// Istio's `update_frequency` for the previous-priorities retry priority.
    static let previousPrioritiesUpdateFrequency: Int32 = 2

    /// The Envoy policy; nil when `attempts` is 0 or less (retries switched off).
    /// `retries` nil gives Istio's default: 2 attempts on connection failures,
    /// refused streams, `unavailable` and `cancelled`, avoiding hosts already tried
    /// unless the route hashes consistently (retries must then stay on the same host).
    static func policy(
        _ retries: VirtualServiceSpec.HTTPRetry?, consistentHash: Bool
    ) -> Envoy_Config_Route_V3_RetryPolicy? {
        var out = Envoy_Config_Route_V3_RetryPolicy()
        out.numRetries = Google_Protobuf_UInt32Value(defaultAttempts)
        out.retryOn = defaultRetryOn
        out.hostSelectionRetryMaxAttempts = hostSelectionRetryMaxAttempts
        if !consistentHash { out.retryHostPredicate = [previousHosts()] }
        guard let retries else { return out }

        guard let attempts = retries.attempts, attempts > 0 else { return nil }
        out.numRetries = Google_Protobuf_UInt32Value(UInt32(clamping: attempts))
        if let retryOn = retries.retryOn, !retryOn.isEmpty {
            let (conditions, codes) = parseRetryOn(retryOn)
            out.retryOn = conditions
            out.retriableStatusCodes = codes
            // Numbers alone mean "these statuses": Envoy needs the condition named.
            if !codes.isEmpty, !conditions.contains("retriable-status-codes") {
                out.retryOn += ",retriable-status-codes"
            }
        }
        if let perTry = retries.perTryTimeout {
            out.perTryTimeout = DurationConversion.protobuf(perTry)
        }
        if let ignorePrevious = retries.retryIgnorePreviousHosts {
            out.retryHostPredicate = ignorePrevious ? [previousHosts()] : []
        }
        if retries.retryRemoteLocalities == true {
            var priority = Envoy_Config_Route_V3_RetryPolicy.RetryPriority()
            priority.name = previousPriorities
            var config = Envoy_Extensions_Retry_Priority_PreviousPriorities_V3_PreviousPrioritiesConfig()
            config.updateFrequency = previousPrioritiesUpdateFrequency
            priority.typedConfig = packed(config)
            out.retryPriority = priority
        }
        if let backoff = retries.backoff {
            out.retryBackOff.baseInterval = DurationConversion.protobuf(backoff)
        }
        return out
    }

    /// Splits `retryOn` into Envoy conditions and the HTTP status codes written as
    /// numbers among them (only codes HTTP defines count; others stay conditions).
    static func parseRetryOn(_ retryOn: String) -> (String, [UInt32]) {
        var conditions: [String] = []
        var codes: [UInt32] = []
        for part in retryOn.split(separator: ",", omittingEmptySubsequences: false) {
            let trimmed = part.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            if let code = UInt32(trimmed), knownStatusCodes.contains(code) {
                codes.append(code)
            } else {
                conditions.append(trimmed)
            }
        }
        return (conditions.joined(separator: ","), codes)
    }

    /// The HTTP status codes with a registered meaning (those Go's `net/http` names,
    /// which is what Istio checks against).
    static let knownStatusCodes: Set<UInt32> = {
        var codes: Set<UInt32> = [100, 101, 102, 103, 226, 307, 308, 421, 422, 423, 424, 425, 426, 428, 429, 431, 451, 510, 511]
        codes.formUnion(200...208)
        codes.formUnion(300...305)
        codes.formUnion(400...418)
        codes.formUnion(500...508)
        return codes
    }()

    private static func previousHosts() -> Envoy_Config_Route_V3_RetryPolicy.RetryHostPredicate {
        var predicate = Envoy_Config_Route_V3_RetryPolicy.RetryHostPredicate()
        predicate.name = previousHostsPredicate
        predicate.typedConfig = packed(Envoy_Extensions_Retry_Host_PreviousHosts_V3_PreviousHostsPredicate())
        return predicate
    }

    /// Packs a small, fully initialized config message; encoding such a message
    /// cannot fail, so a failure would only leave the type URL with an empty body.
    private static func packed(_ message: some SwiftProtobuf.Message) -> Google_Protobuf_Any {
        if let any = try? XDSResource.pack(message) { return any }
        var any = Google_Protobuf_Any()
        any.typeURL = "type.googleapis.com/\(type(of: message).protoMessageName)"
        return any
    }
}

/// Conversions from the config model's values to protobuf's.
enum DurationConversion {
    /// A config duration as `google.protobuf.Duration`.
    static func protobuf(_ value: ConfigDuration) -> Google_Protobuf_Duration {
        let (seconds, attoseconds) = value.duration.components
        return Google_Protobuf_Duration(seconds: seconds, nanos: Int32(attoseconds / 1_000_000_000))
    }

    /// Istio's `Percent` (0–100, fractional) as parts per million, the precision
    /// Istio keeps.
    static func fractionalPercent(_ percent: Double) -> Envoy_Type_V3_FractionalPercent {
        var out = Envoy_Type_V3_FractionalPercent()
        out.numerator = UInt32(clamping: Int64((percent * 10_000).rounded(.towardZero)))
        out.denominator = .million
        return out
    }

    /// A whole-number percentage over a denominator of 100.
    static func fractionalPercent(whole percent: Int) -> Envoy_Type_V3_FractionalPercent {
        var out = Envoy_Type_V3_FractionalPercent()
        out.numerator = UInt32(clamping: percent)
        out.denominator = .hundred
        return out
    }
}
