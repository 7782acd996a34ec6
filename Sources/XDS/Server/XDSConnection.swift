import Foundation
import Synchronization

/// Which variant of the protocol a stream speaks.
public enum XDSProtocolVariant: String, Sendable, Hashable {
    case stateOfTheWorld = "sotw"
    case delta
}

/// One connected client: its identity, its pending push, and what it was sent.
///
/// Pushes reach the stream through `enqueue`, which never blocks: work merges into a
/// single pending slot and at most one wake-up signal is ever queued, so a proxy that
/// stops reading costs one slot, never a growing queue, and never delays others.
final class XDSConnection: Sendable {
    let id: String
    let proxy: ProxyNode
    let variant: XDSProtocolVariant
    let connectedAt: Date

    private struct Queue {
        var pending: PendingPush?
        var signalled = false
    }

    private let queue = Mutex(Queue())
    private let signal: @Sendable () -> Void
    /// Ends the stream's event loop, which ends the RPC.
    let close: @Sendable () -> Void
    private let record = Mutex(ConnectionRecord())

    init(
        id: String,
        proxy: ProxyNode,
        variant: XDSProtocolVariant,
        signal: @escaping @Sendable () -> Void,
        close: @escaping @Sendable () -> Void
    ) {
        self.id = id
        self.proxy = proxy
        self.variant = variant
        self.connectedAt = Date()
        self.signal = signal
        self.close = close
    }

    /// Merges a push into the pending slot and wakes the stream if it is not already due.
    func enqueue(_ request: PushRequest) {
        let shouldSignal = queue.withLock { queue -> Bool in
            if queue.pending == nil {
                queue.pending = PendingPush(request)
            } else {
                queue.pending!.merge(request)
            }
            defer { queue.signalled = true }
            return !queue.signalled
        }
        if shouldSignal { signal() }
    }

    /// Takes the pending push, if any, when the stream gets to it.
    func takePending() -> PendingPush? {
        queue.withLock { queue in
            defer {
                queue.pending = nil
                queue.signalled = false
            }
            return queue.pending
        }
    }

    /// Updates what debug endpoints show for one type.
    func update(_ typeURL: TypeURL, _ change: (inout TypeSyncRecord) -> Void) {
        record.withLock { record in
            change(&record.types[typeURL, default: TypeSyncRecord()])
        }
    }

    var snapshot: ConnectionRecord { record.withLock { $0 } }
}

/// What one connection was sent and acknowledged, per type: the source of
/// `/debug/syncz` and `/debug/config_dump`.
struct ConnectionRecord: Sendable {
    var types: [TypeURL: TypeSyncRecord] = [:]
}

struct TypeSyncRecord: Sendable {
    var sentVersion: String?
    var sentNonce: String?
    var sentAt: Date?
    var ackedVersion: String?
    var ackedNonce: String?
    var rejection: RejectionRecord?
    /// Responses sent for this type on this stream.
    var responses = 0
    /// The last resource sent under each name the client holds.
    var resources: [String: XDSResource] = [:]
}
