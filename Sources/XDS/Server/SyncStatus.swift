import Foundation

/// What one connected proxy was sent and has acknowledged: the data behind
/// `/debug/syncz` and `controld proxy-status`.
public struct ProxySyncStatus: Sendable, Hashable, Codable {
    public var proxyID: String
    public var connectionID: String
    public var proxyType: String
    public var istioVersion: String?
    public var protocolVariant: String
    public var connectedAt: Date
    public var types: [TypeSyncStatus]
    /// The node's `CLUSTER_ID` metadata: which cluster the proxy runs in.
    public var clusterID: String?
    /// This server's `control_plane.identifier`, istioctl's ISTIOD column.
    public var controlPlane: String?
}

/// One type URL on one connection.
public struct TypeSyncStatus: Sendable, Hashable, Codable {
    /// istioctl's words: SYNCED (the last response was ACKed), STALE (sent, no answer
    /// yet), NACKED (the last response was rejected), NOT SENT.
    public enum State: String, Sendable, Hashable, Codable {
        case synced = "SYNCED"
        case stale = "STALE"
        case nacked = "NACKED"
        case notSent = "NOT SENT"
    }

    public var typeURL: String
    public var state: State
    public var sentVersion: String?
    public var sentNonce: String?
    public var ackedVersion: String?
    public var ackedNonce: String?
    public var lastRejection: String?
    /// When the last response of this type went out on this stream.
    public var sentAt: Date?
    public var resourceCount: Int
    /// Responses of this type sent on this stream.
    public var responses: Int
}

extension XDSServer {
    /// The sync state of every open stream, sorted by proxy.
    public func syncStatus() -> [ProxySyncStatus] {
        allConnections.map { connection in
            let record = connection.snapshot
            let types = record.types.keys.sorted().map { type -> TypeSyncStatus in
                let entry = record.types[type]!
                return TypeSyncStatus(
                    typeURL: type.rawValue,
                    state: entry.state,
                    sentVersion: entry.sentVersion,
                    sentNonce: entry.sentNonce,
                    ackedVersion: entry.ackedVersion,
                    ackedNonce: entry.ackedNonce,
                    lastRejection: entry.rejection?.message,
                    sentAt: entry.sentAt,
                    resourceCount: entry.resources.count,
                    responses: entry.responses
                )
            }
            return ProxySyncStatus(
                proxyID: connection.proxy.id,
                connectionID: connection.id,
                proxyType: connection.proxy.kind.rawValue,
                istioVersion: connection.proxy.metadata.istioVersion,
                protocolVariant: connection.variant.rawValue,
                connectedAt: connection.connectedAt,
                types: types,
                clusterID: connection.proxy.metadata.clusterID,
                controlPlane: controlPlaneIdentifier
            )
        }
    }

    /// What the proxy with this node id (or connection id) currently holds, per type,
    /// sorted by name; nil when no such proxy is connected.
    public func sentResources(proxyID: String) -> [TypeURL: [XDSResource]]? {
        let connection = allConnections.last { $0.proxy.id == proxyID || $0.id == proxyID }
        guard let connection else { return nil }
        return connection.snapshot.types.mapValues { record in
            record.resources.values.sorted { $0.name < $1.name }
        }
    }
}

extension TypeSyncRecord {
    var state: TypeSyncStatus.State {
        guard let sentNonce else {
            // Nothing sent, but a reconnecting delta client reported what it holds.
            return ackedVersion == nil ? .notSent : .synced
        }
        if let rejection, rejection.nonce == sentNonce { return .nacked }
        return ackedNonce == sentNonce ? .synced : .stale
    }
}
