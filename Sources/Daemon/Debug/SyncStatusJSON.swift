import Foundation
public import XDS

/// The JSON of `/debug/syncz`: an array of ``ProxySyncStatus``, keys sorted, dates
/// in RFC 3339. One coder for the server and `controld proxy-status`, so the two
/// cannot drift apart.
public enum SyncStatusJSON {
    /// The endpoint's body for `statuses`.
    public static func encode(_ statuses: [ProxySyncStatus]) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(statuses)
    }

    /// Reads a `/debug/syncz` body.
    public static func decode(_ data: Data) throws -> [ProxySyncStatus] {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode([ProxySyncStatus].self, from: data)
    }
}
