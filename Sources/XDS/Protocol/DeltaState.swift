/// The incremental (delta) protocol for one type URL on one stream, as a plain value.
///
/// The server tracks what the client holds, name by name, so a response carries only
/// resources whose version differs and the names that went away. Subscriptions change
/// independently of ACKs, so a request may do both.
public struct DeltaState: Sendable {
    public let typeURL: TypeURL
    public private(set) var isWildcard: Bool
    /// Names subscribed explicitly (in addition to the wildcard, if any).
    public private(set) var explicitNames: Set<String>
    /// Name → version the client holds, as far as the server knows: seeded from
    /// `initial_resource_versions` and updated on each send.
    public private(set) var clientHas: [String: String]
    /// Names already reported absent, so a push does not repeat the removal.
    private var reportedAbsent: Set<String> = []
    public private(set) var sentNonce: String?
    /// What the client accepted with its last ACK.
    public private(set) var acked: [String: String] = [:]
    public private(set) var lastRejection: RejectionRecord?
    public private(set) var answeredNonce: String?
    private var holdingsAtSentNonce: [String: String] = [:]

    /// How a request answered the previous response.
    public enum Answer: Sendable, Equatable {
        case none
        case ack
        case nack(RejectionRecord)
        case stale
    }

    /// Which names to (re)consider sending after a request.
    public enum Scope: Sendable, Equatable {
        case all
        case names(Set<String>)

        var names: Set<String>? {
            if case .names(let names) = self { return names }
            return nil
        }
    }

    public struct RequestOutcome: Sendable, Equatable {
        public var answer: Answer
        /// Set when the request subscribed to something new (or was the first).
        public var respond: Scope?
    }

    /// The first request of the type on this stream.
    public init(typeURL: TypeURL, subscribe: [String], initialVersions: [String: String]) {
        self.typeURL = typeURL
        // An empty first subscription is the legacy way of asking for everything.
        self.isWildcard = subscribe.isEmpty || subscribe.contains("*")
        self.explicitNames = Set(subscribe.filter { $0 != "*" })
        self.clientHas = initialVersions
    }

    /// Whether the client currently wants a resource of this name.
    public func wants(_ name: String) -> Bool {
        isWildcard || explicitNames.contains(name)
    }

    /// The names to ask a provider for, nil meaning all.
    public var requestedNames: Set<String>? {
        isWildcard ? nil : explicitNames
    }

    /// Applies a request after the first.
    public mutating func receive(
        subscribe: [String],
        unsubscribe: [String],
        nonce: String,
        errorMessage: String?,
        errorCode: Int32 = 0
    ) -> RequestOutcome {
        var answer = Answer.none
        if !nonce.isEmpty {
            if nonce != sentNonce {
                answer = .stale
            } else if let errorMessage {
                let record = RejectionRecord(nonce: nonce, message: errorMessage, code: errorCode)
                lastRejection = record
                answeredNonce = nonce
                answer = .nack(record)
            } else {
                acked = holdingsAtSentNonce
                lastRejection = nil
                answeredNonce = nonce
                answer = .ack
            }
        }
        for name in unsubscribe {
            if name == "*" {
                isWildcard = false
            } else {
                explicitNames.remove(name)
            }
        }
        // The client forgets what it no longer wants; a later subscribe sends it again.
        for name in clientHas.keys where !wants(name) {
            clientHas[name] = nil
        }
        reportedAbsent = reportedAbsent.filter(wants)

        var added: Set<String> = []
        var addedWildcard = false
        for name in subscribe {
            if name == "*" {
                addedWildcard = !isWildcard
                isWildcard = true
            } else if explicitNames.insert(name).inserted {
                added.insert(name)
            }
        }
        let respond: Scope? =
            addedWildcard ? .all : (added.isEmpty ? nil : .names(added))
        return RequestOutcome(answer: answer, respond: respond)
    }

    /// Chooses what to send from freshly generated resources.
    ///
    /// - Parameters:
    ///   - resources: what the provider generated for `scope`.
    ///   - scope: `.all` when `resources` is everything the client may want, so
    ///     anything it holds that is missing was removed; `.names` when only those
    ///     names were regenerated.
    /// - Returns: changed resources and removed names, or nil when there is nothing
    ///   to send.
    public func selectForSend(
        _ resources: [XDSResource],
        scope: Scope
    ) -> (resources: [XDSResource], removed: [String])? {
        let wanted = resources.filter { wants($0.name) }
        let present = Set(wanted.map(\.name))
        let changed = wanted.filter { clientHas[$0.name] != $0.version }
            .sorted { $0.name < $1.name }

        var candidates: Set<String>
        switch scope {
        case .all: candidates = Set(clientHas.keys).union(explicitNames)
        case .names(let names): candidates = names
        }
        candidates.subtract(present)
        let removed = candidates.filter { name in
            // Tell the client about what it holds and lost, and once about explicitly
            // requested names that do not exist (so it stops waiting for them).
            clientHas[name] != nil
                || (explicitNames.contains(name) && !reportedAbsent.contains(name))
        }.sorted()
        if changed.isEmpty && removed.isEmpty {
            return nil
        }
        return (changed, removed)
    }

    /// Records a response that went out.
    public mutating func didSend(_ resources: [XDSResource], removed: [String], nonce: String) {
        for resource in resources {
            clientHas[resource.name] = resource.version
            reportedAbsent.remove(resource.name)
        }
        for name in removed {
            clientHas[name] = nil
            reportedAbsent.insert(name)
        }
        sentNonce = nonce
        holdingsAtSentNonce = clientHas
    }
}
