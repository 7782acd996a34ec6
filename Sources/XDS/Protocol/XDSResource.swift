import Foundation
import SwiftProtobuf
import Crypto

/// One named xDS resource, serialized once and identified by a hash of its bytes.
///
/// Serialization is deterministic (map entries sorted), so equal configuration gives
/// byte-identical resources and equal versions: that is what lets the server skip
/// resending what a proxy already holds. Nested `Any`s must be built with `pack(_:)`
/// for that to hold.
public struct XDSResource: Sendable, Hashable {
    public let name: String
    public let typeURL: TypeURL
    /// The serialized message (the `value` of the `Any` sent on the wire).
    public let payload: Data
    /// Hex SHA-256 of `payload`, truncated: the per-resource version.
    public let version: String

    public init(name: String, typeURL: TypeURL, payload: Data) {
        self.name = name
        self.typeURL = typeURL
        self.payload = payload
        self.version = Self.digest(payload)
    }

    /// Wraps `message`; the type URL is the message's own full protobuf name.
    public init(name: String, message: some SwiftProtobuf.Message) throws {
        var options = BinaryEncodingOptions()
        options.useDeterministicOrdering = true
        let payload: Data = try message.serializedBytes(options: options)
        self.init(
            name: name,
            typeURL: TypeURL("type.googleapis.com/\(type(of: message).protoMessageName)"),
            payload: payload
        )
    }

    /// Packs `message` into an `Any` whose bytes are deterministic.
    ///
    /// `Google_Protobuf_Any(message:)` serializes its content later with default
    /// options, so maps inside it (route metadata, typed_per_filter_config) come out in
    /// hash order and the enclosing resource's version changes between equal
    /// generations. Every `Any` inside a resource must be packed with this.
    public static func pack(_ message: some SwiftProtobuf.Message) throws -> Google_Protobuf_Any {
        var options = BinaryEncodingOptions()
        options.useDeterministicOrdering = true
        var any = Google_Protobuf_Any()
        any.typeURL = "type.googleapis.com/\(type(of: message).protoMessageName)"
        any.value = try message.serializedBytes(options: options)
        return any
    }

    /// The resource as it goes on the wire.
    public var any: Google_Protobuf_Any {
        var any = Google_Protobuf_Any()
        any.typeURL = typeURL.rawValue
        any.value = payload
        return any
    }

    static func digest(_ bytes: Data) -> String {
        let hash = SHA256.hash(data: bytes)
        return hash.prefix(8).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// A version for a whole set of resources (state of the world's `version_info`),
    /// derived from their names and versions so equal sets get equal versions.
    static func setVersion(_ versions: [String: String]) -> String {
        var text = ""
        for name in versions.keys.sorted() {
            text += name
            text += "\u{0}"
            text += versions[name]!
            text += "\u{0}"
        }
        return digest(Data(text.utf8))
    }
}
