/// The state-of-the-world protocol for one type URL on one stream, as a plain value.
///
/// It decides what each request means (first request, ACK, NACK, stale) and, for a
/// push, which resources must go out; the stream applies the result. Kept free of I/O
/// so every rule of the protocol is tested without a socket.
public struct StateOfTheWorldState: Sendable {
    public let typeURL: TypeURL
    public private(set) var subscription: Subscription
    /// Name → version of everything sent so far (for named types, merged across
    /// partial responses).
    public private(set) var sent: [String: String] = [:]
    public private(set) var sentVersionInfo: String?
    public private(set) var sentNonce: String?
    /// What the client last accepted.
    public private(set) var acked: [String: String] = [:]
    public private(set) var ackedVersionInfo: String?
    public private(set) var lastRejection: RejectionRecord?
    /// The nonce of the response the client last answered, ACK or NACK.
    public private(set) var answeredNonce: String?

    /// What a request means for this type.
    public enum RequestOutcome: Sendable, Equatable {
        /// The first request on the stream (or after the server restarted): send
        /// everything subscribed.
        case initial
        /// The client accepted the last response (or, repeating a NACKed nonce, only
        /// changed its subscription: `lastRejection` then still stands). `newNames`
        /// are names it subscribed to in the same request, which must be sent now; nil
        /// when nothing was added.
        case ack(newNames: Set<String>?)
        /// The client rejected the last response and keeps its previous config.
        /// `newNames` as for `.ack`: Envoy may subscribe to more names in the same request.
        case nack(RejectionRecord, newNames: Set<String>?)
        /// A response to an older nonce: superseded, nothing to do.
        case stale
    }

    public init(typeURL: TypeURL, firstRequestNames: [String]) {
        self.typeURL = typeURL
        self.subscription = Self.subscription(for: typeURL, names: firstRequestNames)
    }

    /// Empty names mean "all" for wildcard types (and nothing for named ones).
    static func subscription(for typeURL: TypeURL, names: [String]) -> Subscription {
        if typeURL.isWildcardInStateOfTheWorld && (names.isEmpty || names.contains("*")) {
            return .wildcard
        }
        return .names(Set(names.filter { $0 != "*" }))
    }

    /// Applies a request. `nonce` is the request's `response_nonce`, `errorMessage`
    /// its `error_detail` message when present.
    public mutating func receive(
        names: [String],
        nonce: String,
        errorMessage: String?,
        errorCode: Int32 = 0
    ) -> RequestOutcome {
        let requested = Self.subscription(for: typeURL, names: names)
        guard let sentNonce, !nonce.isEmpty else {
            // Nothing sent on this stream yet: a first request, possibly carrying a
            // nonce from before a reconnect. Or a request without a nonce, which
            // istiod also answers afresh: a client (gRPC's) may change what it
            // watches that way. Either way, send everything.
            subscription = requested
            return .initial
        }
        guard nonce == sentNonce else {
            return .stale
        }
        // Envoy sends error_detail once and then clears it: a later request repeating
        // a NACKed nonce (to change its subscription) still means the client kept its
        // previous config, so it must not be taken as an ACK of the rejected one.
        let repeatsRejection = answeredNonce == nonce && lastRejection?.nonce == nonce
        answeredNonce = nonce
        if let errorMessage {
            let record = RejectionRecord(nonce: nonce, message: errorMessage, code: errorCode)
            lastRejection = record
            return .nack(record, newNames: resubscribe(requested))
        }
        if !repeatsRejection {
            acked = sent
            ackedVersionInfo = sentVersionInfo
            lastRejection = nil
        }
        return .ack(newNames: resubscribe(requested))
    }

    /// Takes the request's subscription; returns the names that must be sent now
    /// (empty: everything, after a switch to wildcard), or nil when nothing was added.
    private mutating func resubscribe(_ requested: Subscription) -> Set<String>? {
        let previous = subscription
        subscription = requested
        switch (previous, requested) {
        case (.names(let old), .names(let new)):
            let added = new.subtracting(old)
            for name in old.subtracting(new) {
                sent[name] = nil
            }
            return added.isEmpty ? nil : added
        case (.names, .wildcard):
            return []
        case (.wildcard, .names(let new)):
            return new
        case (.wildcard, .wildcard):
            return nil
        }
    }

    /// Chooses what to send from freshly generated resources.
    ///
    /// - Parameters:
    ///   - resources: what the provider generated (for wildcard types, the complete set).
    ///   - force: send even if nothing changed (the reply to a first request or to a
    ///     new subscription).
    /// - Returns: the resources to put in the response, or nil to send nothing.
    public func selectForSend(_ resources: [XDSResource], force: Bool) -> [XDSResource]? {
        let wanted = resources.filter { subscription.contains($0.name) }
            .sorted { $0.name < $1.name }
        if typeURL.isWildcardInStateOfTheWorld {
            // Complete set every time; skip only if identical to the last one sent.
            let versions = Dictionary(uniqueKeysWithValues: wanted.map { ($0.name, $0.version) })
            if !force, sentNonce != nil, versions == sent {
                return nil
            }
            return wanted
        }
        // Named types: only what changed (Envoy keeps the rest).
        let changed = force ? wanted : wanted.filter { sent[$0.name] != $0.version }
        if changed.isEmpty && !(force && sentNonce == nil) {
            return nil
        }
        return changed
    }

    /// A response about to go out: its resources, its version_info, and what the
    /// client will hold once it applies it, computed once for both the wire and the
    /// record kept after sending.
    public struct PreparedResponse: Sendable {
        public let resources: [XDSResource]
        public let versionInfo: String
        fileprivate let holdings: [String: String]
    }

    /// Prepares a response carrying `resources` (as chosen by `selectForSend`).
    public func prepare(_ resources: [XDSResource]) -> PreparedResponse {
        let holdings = merged(resources)
        return PreparedResponse(
            resources: resources, versionInfo: XDSResource.setVersion(holdings), holdings: holdings)
    }

    /// Records a prepared response that went out under `nonce`.
    public mutating func didSend(_ response: PreparedResponse, nonce: String) {
        sent = response.holdings
        sentNonce = nonce
        sentVersionInfo = response.versionInfo
    }

    /// The version_info a response carrying `resources` would have.
    public func versionInfo(after resources: [XDSResource]) -> String {
        prepare(resources).versionInfo
    }

    /// What the client holds once it applies `resources`: the complete set for
    /// wildcard types, the previous names updated for named ones.
    private func merged(_ resources: [XDSResource]) -> [String: String] {
        var next = typeURL.isWildcardInStateOfTheWorld ? [:] : sent
        for resource in resources {
            next[resource.name] = resource.version
        }
        return next
    }
}
