import Discovery
import SwiftProtobuf
import XDS

/// Small conversions from the Istio model's values to protobuf ones.
enum ProtoValue {
    /// A protobuf duration for a configured one.
    static func duration(_ value: ConfigDuration) -> Google_Protobuf_Duration {
        let (seconds, attoseconds) = value.duration.components
        var duration = Google_Protobuf_Duration()
        duration.seconds = seconds
        duration.nanos = Int32(attoseconds / 1_000_000_000)
        return duration
    }

    /// Whole seconds of a duration, as TCP keepalive settings want them (truncated,
    /// as istiod does).
    static func wholeSeconds(_ value: ConfigDuration) -> Google_Protobuf_UInt32Value {
        uint32(Int(value.duration.components.seconds))
    }

    /// A UInt32 wrapper, clamped into range.
    static func uint32(_ value: Int) -> Google_Protobuf_UInt32Value {
        Google_Protobuf_UInt32Value(UInt32(clamping: value))
    }

    /// A UInt32 wrapper holding the largest value: "no limit".
    static var unlimited: Google_Protobuf_UInt32Value {
        Google_Protobuf_UInt32Value(UInt32.max)
    }

    /// A percentage.
    static func percent(_ value: Double) -> Envoy_Type_V3_Percent {
        var percent = Envoy_Type_V3_Percent()
        percent.value = value
        return percent
    }

    /// A string matcher for exactly `value`.
    static func exact(_ value: String) -> Envoy_Type_Matcher_V3_StringMatcher {
        var matcher = Envoy_Type_Matcher_V3_StringMatcher()
        matcher.matchPattern = .exact(value)
        return matcher
    }

    /// A data source reading the file at `path` on the proxy's host.
    static func file(_ path: String) -> Envoy_Config_Core_V3_DataSource {
        var source = Envoy_Config_Core_V3_DataSource()
        source.specifier = .filename(path)
        return source
    }
}
