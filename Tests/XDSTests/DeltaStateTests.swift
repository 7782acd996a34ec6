import Foundation
import Testing
@testable import XDS

/// One type on one delta stream, driven the way the stream drives it.
struct DeltaSession {
    struct Response: Equatable {
        var nonce: String
        var names: [String]
        var removed: [String]
    }

    var state: DeltaState
    var nonces = Nonces()
    var responses: [Response] = []

    init(_ type: TypeURL, subscribe: [String] = [], initialVersions: [String: String] = [:]) {
        state = DeltaState(typeURL: type, subscribe: subscribe, initialVersions: initialVersions)
    }

    @discardableResult
    mutating func send(_ resources: [XDSResource], scope: DeltaState.Scope = .all) -> Response? {
        guard let selected = state.selectForSend(resources, scope: scope) else { return nil }
        let response = Response(nonce: nonces.make(), names: selected.resources.map(\.name), removed: selected.removed)
        state.didSend(selected.resources, removed: selected.removed, nonce: response.nonce)
        responses.append(response)
        return response
    }

    var lastNonce: String { responses.last!.nonce }

    @discardableResult
    mutating func ack() -> DeltaState.RequestOutcome {
        state.receive(subscribe: [], unsubscribe: [], nonce: lastNonce, errorMessage: nil)
    }

    @discardableResult
    mutating func request(subscribe: [String] = [], unsubscribe: [String] = []) -> DeltaState.RequestOutcome {
        state.receive(subscribe: subscribe, unsubscribe: unsubscribe, nonce: "", errorMessage: nil)
    }
}

/// What the server offers: `resource(name, content)` pairs of one type.
private func offer(_ pairs: [(String, String)], type: TypeURL = .cluster) -> [XDSResource] {
    pairs.map { resource($0.0, $0.1, type: type) }
}

@Suite("Delta")
struct DeltaStateTests {
    // MARK: Wildcard

    @Test("an empty first subscribe is a wildcard subscription")
    func legacyWildcard() {
        var session = DeltaSession(.cluster)
        #expect(session.state.isWildcard)
        #expect(session.state.requestedNames == nil)
        #expect(session.send(offer([("b", "1"), ("a", "1")]))?.names == ["a", "b"])
    }

    @Test("subscribing to * is a wildcard subscription, alongside explicit names")
    func explicitWildcard() {
        let state = DeltaState(typeURL: .listener, subscribe: ["*", "extra"], initialVersions: [:])
        #expect(state.isWildcard)
        #expect(state.explicitNames == ["extra"])
        #expect(state.wants("anything"))
    }

    @Test("a named first subscribe wants only those names")
    func namedSubscribe() {
        var session = DeltaSession(.endpoint, subscribe: ["a"])
        #expect(!session.state.isWildcard)
        #expect(session.state.requestedNames == ["a"])
        let response = session.send(offer([("a", "1"), ("b", "1")], type: .endpoint))
        #expect(response?.names == ["a"])
        #expect(response?.removed == [])
    }

    @Test("a wildcard client with nothing to receive gets no response")
    func wildcardNothing() {
        var session = DeltaSession(.cluster)
        #expect(session.send([]) == nil)
    }

    // MARK: Reconnect

    @Test("initial_resource_versions: only what differs is sent, and what went away is removed")
    func initialResourceVersions() {
        var session = DeltaSession(
            .cluster,
            initialVersions: [
                "same": resource("same", "1").version,
                "changed": resource("changed", "1").version,
                "gone": resource("gone", "1").version,
            ]
        )
        let response = session.send(offer([("same", "1"), ("changed", "2"), ("new", "1")]))
        #expect(response?.names == ["changed", "new"])
        #expect(response?.removed == ["gone"])
        #expect(session.state.clientHas.keys.sorted() == ["changed", "new", "same"])
    }

    @Test("a reconnecting client that is up to date receives nothing")
    func reconnectInSync() {
        let offered = offer([("a", "1"), ("b", "1")])
        var session = DeltaSession(
            .cluster,
            initialVersions: Dictionary(uniqueKeysWithValues: offered.map { ($0.name, $0.version) })
        )
        #expect(session.send(offered) == nil)
    }

    @Test("initial_resource_versions of a named subscription: a held name that no longer exists is removed")
    func initialVersionsNamed() {
        var session = DeltaSession(
            .endpoint,
            subscribe: ["a", "b"],
            initialVersions: ["a": resource("a", "1", type: .endpoint).version, "b": "old"]
        )
        let response = session.send(offer([("a", "1")], type: .endpoint))
        #expect(response?.names == [])
        #expect(response?.removed == ["b"])
    }

    // MARK: Subscribe and unsubscribe

    @Test("subscribing to a name asks for just that name, which is sent")
    func subscribe() {
        var session = DeltaSession(.endpoint, subscribe: ["a"])
        session.send(offer([("a", "1")], type: .endpoint))
        session.ack()
        let outcome = session.request(subscribe: ["b"])
        #expect(outcome.answer == .none)
        #expect(outcome.respond == .names(["b"]))
        let response = session.send(offer([("b", "1")], type: .endpoint), scope: .names(["b"]))
        #expect(response?.names == ["b"])
        #expect(response?.removed == [])
    }

    @Test("subscribing again to a name already subscribed needs no response")
    func resubscribeSame() {
        var session = DeltaSession(.endpoint, subscribe: ["a"])
        session.send(offer([("a", "1")], type: .endpoint))
        #expect(session.request(subscribe: ["a"]).respond == nil)
    }

    @Test("an unsubscribed name is neither updated nor removed, and is sent in full when subscribed again")
    func unsubscribe() {
        var session = DeltaSession(.endpoint, subscribe: ["a", "b"])
        session.send(offer([("a", "1"), ("b", "1")], type: .endpoint))
        session.ack()
        let outcome = session.request(unsubscribe: ["b"])
        #expect(outcome.respond == nil)
        #expect(!session.state.wants("b"))
        #expect(session.state.clientHas["b"] == nil)

        // Changing or deleting "b" no longer concerns the client: no removal either,
        // the client dropped it itself.
        #expect(session.send(offer([("a", "1"), ("b", "2")], type: .endpoint)) == nil)
        #expect(session.send(offer([("a", "1")], type: .endpoint)) == nil)

        #expect(session.request(subscribe: ["b"]).respond == .names(["b"]))
        #expect(session.send(offer([("b", "2")], type: .endpoint), scope: .names(["b"]))?.names == ["b"])
    }

    @Test("unsubscribing * ends the wildcard; explicitly named resources stay")
    func unsubscribeWildcard() {
        var session = DeltaSession(.cluster, subscribe: ["*", "a"])
        session.send(offer([("a", "1"), ("b", "1")]))
        session.ack()
        #expect(session.request(unsubscribe: ["*"]).respond == nil)
        #expect(!session.state.isWildcard)
        #expect(session.state.requestedNames == ["a"])
        #expect(session.state.clientHas.keys.sorted() == ["a"])
        // "b" changes or goes: not the client's business any more.
        #expect(session.send(offer([("a", "1"), ("b", "2")])) == nil)
        #expect(session.send(offer([("a", "1")])) == nil)
        // "a" still is.
        #expect(session.send(offer([("a", "2")]))?.names == ["a"])
    }

    @Test("subscribing to * later asks for everything")
    func subscribeWildcardLater() {
        var session = DeltaSession(.cluster, subscribe: ["a"])
        session.send(offer([("a", "1"), ("b", "1")]))
        let outcome = session.request(subscribe: ["*"])
        #expect(outcome.respond == .all)
        #expect(session.send(offer([("a", "1"), ("b", "1")]))?.names == ["b"])
    }

    // MARK: Names that do not exist

    @Test("a subscribed name that does not exist is reported removed once, not on every push")
    func absentReportedOnce() {
        var session = DeltaSession(.endpoint, subscribe: ["a", "missing"])
        let first = session.send(offer([("a", "1")], type: .endpoint))
        #expect(first?.names == ["a"])
        #expect(first?.removed == ["missing"])
        session.ack()
        #expect(session.send(offer([("a", "1")], type: .endpoint)) == nil)
        #expect(session.send(offer([("a", "2")], type: .endpoint))?.removed == [])
        #expect(session.send(offer([("a", "2")], type: .endpoint), scope: .names(["missing"])) == nil)

        // When it appears it is sent; when it goes again the removal is sent again.
        #expect(session.send(offer([("a", "2"), ("missing", "1")], type: .endpoint))?.names == ["missing"])
        #expect(session.send(offer([("a", "2")], type: .endpoint))?.removed == ["missing"])
        #expect(session.send(offer([("a", "2")], type: .endpoint)) == nil)
    }

    @Test("a name subscribed later that does not exist is reported removed once")
    func absentSubscribedLater() {
        var session = DeltaSession(.endpoint, subscribe: ["a"])
        session.send(offer([("a", "1")], type: .endpoint))
        #expect(session.request(subscribe: ["missing"]).respond == .names(["missing"]))
        #expect(session.send([], scope: .names(["missing"]))?.removed == ["missing"])
        #expect(session.send(offer([("a", "1")], type: .endpoint)) == nil)
    }

    // MARK: Pushes

    @Test("a wildcard push sends changed resources and removes deleted ones, once")
    func wildcardPush() {
        var session = DeltaSession(.cluster)
        session.send(offer([("a", "1"), ("b", "1"), ("c", "1")]))
        session.ack()
        let response = session.send(offer([("a", "1"), ("b", "2")]))
        #expect(response?.names == ["b"])
        #expect(response?.removed == ["c"])
        session.ack()
        #expect(session.send(offer([("a", "1"), ("b", "2")])) == nil)
    }

    @Test("a push for some names considers only those names")
    func scopedPush() {
        var session = DeltaSession(.cluster)
        session.send(offer([("a", "1"), ("b", "1")]))
        // Only "a" was regenerated: "b" missing from the offer is not a removal.
        let response = session.send(offer([("a", "2")]), scope: .names(["a"]))
        #expect(response?.names == ["a"])
        #expect(response?.removed == [])
        // A regenerated name that is gone is.
        #expect(session.send([], scope: .names(["b"]))?.removed == ["b"])
    }

    // MARK: ACK and NACK

    @Test("an ACK by nonce records what the client now holds")
    func ack() {
        var session = DeltaSession(.cluster)
        session.send(offer([("a", "1")]))
        let outcome = session.ack()
        #expect(outcome.answer == .ack)
        #expect(outcome.respond == nil)
        #expect(session.state.acked == ["a": resource("a", "1").version])
        #expect(session.state.answeredNonce == session.lastNonce)
    }

    @Test("an ACK and a new subscription in one request do both")
    func ackAndSubscribe() {
        var session = DeltaSession(.endpoint, subscribe: ["a"])
        session.send(offer([("a", "1")], type: .endpoint))
        let outcome = session.state.receive(subscribe: ["b"], unsubscribe: [], nonce: session.lastNonce, errorMessage: nil)
        #expect(outcome.answer == .ack)
        #expect(outcome.respond == .names(["b"]))
    }

    @Test("a NACK keeps the accepted holdings and the rejected content is not resent; changed content is")
    func nack() {
        var session = DeltaSession(.cluster)
        session.send(offer([("a", "1"), ("b", "1")]))
        session.ack()
        let accepted = session.state.acked
        session.send(offer([("a", "bad"), ("b", "1")]))
        let outcome = session.state.receive(subscribe: [], unsubscribe: [], nonce: session.lastNonce, errorMessage: "a: invalid", errorCode: 3)
        guard case .nack(let record) = outcome.answer else {
            Issue.record("expected a NACK, got \(outcome.answer)")
            return
        }
        #expect(record.message == "a: invalid")
        #expect(record.nonce == session.lastNonce)
        #expect(session.state.lastRejection == record)
        #expect(session.state.acked == accepted)
        // The server's record is what it sent: offering the same again sends nothing.
        #expect(session.state.clientHas["a"] == resource("a", "bad").version)
        #expect(session.send(offer([("a", "bad"), ("b", "1")])) == nil)
        // A fix goes out, and its ACK clears the rejection.
        #expect(session.send(offer([("a", "fixed"), ("b", "1")]))?.names == ["a"])
        #expect(session.ack().answer == .ack)
        #expect(session.state.lastRejection == nil)
        #expect(session.state.acked["a"] == resource("a", "fixed").version)
    }

    @Test("going back to the accepted content after a NACK is sent")
    func revertAfterNack() {
        var session = DeltaSession(.cluster)
        session.send(offer([("a", "1")]))
        session.ack()
        session.send(offer([("a", "bad")]))
        _ = session.state.receive(subscribe: [], unsubscribe: [], nonce: session.lastNonce, errorMessage: "bad")
        #expect(session.send(offer([("a", "1")]))?.names == ["a"])
    }

    @Test("an answer to an older nonce is stale, but its subscription changes still count")
    func staleNonce() {
        var session = DeltaSession(.endpoint, subscribe: ["a"])
        let first = session.send(offer([("a", "1")], type: .endpoint))!
        session.send(offer([("a", "2")], type: .endpoint))
        let outcome = session.state.receive(subscribe: ["b"], unsubscribe: [], nonce: first.nonce, errorMessage: nil)
        #expect(outcome.answer == .stale)
        #expect(outcome.respond == .names(["b"]))
        #expect(session.state.acked.isEmpty)
        #expect(session.state.receive(subscribe: [], unsubscribe: [], nonce: "unknown", errorMessage: "x").answer == .stale)
        #expect(session.state.lastRejection == nil)
    }

    @Test("a request without a nonce answers nothing")
    func noNonce() {
        var session = DeltaSession(.cluster)
        session.send(offer([("a", "1")]))
        #expect(session.request().answer == .none)
        #expect(session.state.acked.isEmpty)
    }
}
