/// A request to bring some proxies up to date.
public struct PushRequest: Sendable {
    /// The types to push and, per type, the names concerned (nil: every name).
    public var types: [TypeURL: Set<String>?]
    /// Why (istiod's trigger reasons: `config`, `endpoint`, `secret`...), for metrics and logs.
    public var reason: String
    /// When the change behind the push happened: convergence time runs from here to the ACK.
    public var triggeredAt: ContinuousClock.Instant
    /// Which proxies the push is for.
    public var selects: @Sendable (ProxyNode) -> Bool

    public init(
        types: [TypeURL: Set<String>?],
        reason: String,
        triggeredAt: ContinuousClock.Instant = .now,
        selects: @escaping @Sendable (ProxyNode) -> Bool = { _ in true }
    ) {
        self.types = types
        self.reason = reason
        self.triggeredAt = triggeredAt
        self.selects = selects
    }

    /// Every name of the given types, to every selected proxy.
    public static func full(
        _ types: [TypeURL],
        reason: String,
        triggeredAt: ContinuousClock.Instant = .now,
        selects: @escaping @Sendable (ProxyNode) -> Bool = { _ in true }
    ) -> PushRequest {
        PushRequest(
            types: Dictionary(uniqueKeysWithValues: types.map { ($0, nil) }),
            reason: reason,
            triggeredAt: triggeredAt,
            selects: selects
        )
    }
}

/// The work waiting for one connection. Pushes that arrive while one is in progress
/// merge here, so a slow proxy gets the latest state once, not every version between.
struct PendingPush: Sendable, Equatable {
    var types: [TypeURL: Set<String>?]
    var reasons: Set<String>
    /// The earliest trigger among the merged pushes.
    var triggeredAt: ContinuousClock.Instant

    init(_ request: PushRequest) {
        types = request.types
        reasons = [request.reason]
        triggeredAt = request.triggeredAt
    }

    mutating func merge(_ request: PushRequest) {
        for (type, names) in request.types {
            switch (types[type], names) {
            case (nil, _):
                types[type] = names
            case (.some(.some(let existing)), .some(let added)):
                types[type] = existing.union(added)
            default:
                // Either side wants every name.
                types[type] = .some(nil)
            }
        }
        reasons.insert(request.reason)
        triggeredAt = min(triggeredAt, request.triggeredAt)
    }

    /// The types in the order Envoy needs them.
    var orderedTypes: [TypeURL] { types.keys.sorted() }
}
