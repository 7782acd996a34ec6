import Foundation
import Testing
@testable import XDS

/// One type on one state-of-the-world stream, driven the way the stream drives it:
/// generate, select, send, and record what Envoy would receive.
struct SotWSession {
    struct Response: Equatable {
        var versionInfo: String
        var nonce: String
        var names: [String]
    }

    var state: StateOfTheWorldState
    var nonces = Nonces()
    /// Everything the client received, in order.
    var responses: [Response] = []

    init(_ type: TypeURL, names: [String] = []) {
        state = StateOfTheWorldState(typeURL: type, firstRequestNames: names)
    }

    /// Offers `resources` to the state; returns the response that went out, if any.
    @discardableResult
    mutating func send(_ resources: [XDSResource], force: Bool = false) -> Response? {
        guard let selected = state.selectForSend(resources, force: force) else { return nil }
        let prepared = state.prepare(selected)
        let response = Response(
            versionInfo: prepared.versionInfo,
            nonce: nonces.make(),
            names: selected.map(\.name)
        )
        state.didSend(prepared, nonce: response.nonce)
        responses.append(response)
        return response
    }

    var lastNonce: String { responses.last!.nonce }

    /// The client accepts the last response, keeping `names` subscribed.
    @discardableResult
    mutating func ack(_ names: [String] = []) -> StateOfTheWorldState.RequestOutcome {
        state.receive(names: names, nonce: lastNonce, errorMessage: nil)
    }

    @discardableResult
    mutating func nack(_ names: [String] = [], _ message: String) -> StateOfTheWorldState.RequestOutcome {
        state.receive(names: names, nonce: lastNonce, errorMessage: message, errorCode: 3)
    }
}

@Suite("State of the world")
struct StateOfTheWorldStateTests {
    // MARK: First request

    @Test("an empty first request for CDS or LDS is a wildcard subscription", arguments: [TypeURL.cluster, .listener])
    func emptyNamesAreWildcard(type: TypeURL) {
        #expect(StateOfTheWorldState(typeURL: type, firstRequestNames: []).subscription == .wildcard)
        #expect(StateOfTheWorldState(typeURL: type, firstRequestNames: ["*"]).subscription == .wildcard)
    }

    @Test("EDS, RDS and SDS subscribe to the names they list", arguments: [TypeURL.endpoint, .route, .secret])
    func namedTypesFollowNames(type: TypeURL) {
        let state = StateOfTheWorldState(typeURL: type, firstRequestNames: ["a", "b"])
        #expect(state.subscription == .names(["a", "b"]))
        #expect(state.subscription.requestedNames == ["a", "b"])
        #expect(!state.subscription.contains("c"))
    }

    @Test("the first CDS response carries the full set, sorted by name")
    func wildcardFirstResponseIsFullSet() {
        var session = SotWSession(.cluster)
        let response = session.send([resource("b"), resource("a"), resource("c")], force: true)
        #expect(response?.names == ["a", "b", "c"])
        #expect(session.state.sentNonce == response?.nonce)
    }

    @Test("the first LDS response is sent even when there is nothing, so Envoy is not left waiting")
    func wildcardFirstResponseWhenEmpty() {
        var session = SotWSession(.listener)
        let response = session.send([], force: true)
        #expect(response?.names == [])
        #expect(response?.versionInfo.isEmpty == false)
    }

    @Test("the first EDS response carries the subscribed names that exist and nothing else")
    func namedFirstResponse() {
        var session = SotWSession(.endpoint, names: ["outbound|80||a", "outbound|80||missing"])
        let offered = [
            resource("outbound|80||a", type: .endpoint),
            resource("outbound|80||b", type: .endpoint),
        ]
        let response = session.send(offered, force: true)
        #expect(response?.names == ["outbound|80||a"])
    }

    // MARK: ACK, NACK, stale

    @Test("an ACK with the current nonce records the version Envoy accepted")
    func ackRecordsVersion() {
        var session = SotWSession(.cluster)
        let response = session.send([resource("a"), resource("b")], force: true)!
        #expect(session.state.ackedVersionInfo == nil)
        let outcome = session.ack()
        #expect(outcome == .ack(newNames: nil))
        #expect(session.state.ackedVersionInfo == response.versionInfo)
        #expect(session.state.answeredNonce == response.nonce)
        #expect(session.state.acked == [resource("a").name: resource("a").version, "b": resource("b").version])
        #expect(session.state.lastRejection == nil)
    }

    @Test("a NACK keeps the accepted version, records Envoy's message, and is not answered with the same config", arguments: [TypeURL.cluster, .endpoint])
    func nackKeepsAcceptedVersion(type: TypeURL) {
        let names = type == .cluster ? [] : ["a", "b"]
        var session = SotWSession(type, names: names)
        let good = session.send([resource("a", type: type), resource("b", type: type)], force: true)!
        session.ack(names)

        let bad = session.send([resource("a", "bad", type: type), resource("b", type: type)])!
        let outcome = session.nack(names, "Proto constraint validation failed: a: invalid")
        guard case .nack(let record, _) = outcome else {
            Issue.record("expected a NACK, got \(outcome)")
            return
        }
        #expect(record.message == "Proto constraint validation failed: a: invalid")
        #expect(record.nonce == bad.nonce)
        #expect(record.code == 3)
        #expect(session.state.lastRejection == record)
        #expect(session.state.ackedVersionInfo == good.versionInfo)

        // The next push generates the same rejected content: resending it would only
        // be rejected again, in a loop.
        #expect(session.send([resource("a", "bad", type: type), resource("b", type: type)]) == nil)

        // A fixed config goes out, and its ACK clears the rejection.
        let fixed = session.send([resource("a", "fixed", type: type), resource("b", type: type)])
        #expect(fixed != nil)
        #expect(session.ack(names) == .ack(newNames: nil))
        #expect(session.state.ackedVersionInfo == fixed?.versionInfo)
        #expect(session.state.lastRejection == nil)
    }

    @Test("going back to the accepted config after a NACK is sent, since Envoy holds the accepted one")
    func revertAfterNack() {
        var session = SotWSession(.cluster)
        session.send([resource("a")], force: true)
        session.ack()
        session.send([resource("a", "bad")])
        session.nack([], "rejected")
        #expect(session.send([resource("a")])?.names == ["a"])
    }

    @Test("after a NACK, a request repeating its nonce without error_detail is not an ACK of the rejected config")
    func nackedNonceRepeated() {
        // Envoy sends error_detail once and then clears it; later requests (a new
        // subscription, say) carry the same nonce and the previously accepted version.
        var session = SotWSession(.endpoint, names: ["a"])
        let good = session.send([resource("a", type: .endpoint)], force: true)!
        session.ack(["a"])
        session.send([resource("a", "bad", type: .endpoint)])
        session.nack(["a"], "rejected")

        let outcome = session.state.receive(names: ["a", "b"], nonce: session.lastNonce, errorMessage: nil)
        #expect(outcome == .ack(newNames: ["b"]))
        #expect(session.state.ackedVersionInfo == good.versionInfo)
        #expect(session.state.lastRejection?.message == "rejected")
        // The newly subscribed name still goes out.
        #expect(session.send([resource("b", type: .endpoint)], force: true)?.names == ["b"])
    }

    @Test("names Envoy subscribes to in the NACK request itself are sent")
    func nackWithNewNames() {
        var session = SotWSession(.endpoint, names: ["a"])
        session.send([resource("a", type: .endpoint)], force: true)
        session.ack(["a"])
        session.send([resource("a", "bad", type: .endpoint)])
        let outcome = session.state.receive(
            names: ["a", "b"], nonce: session.lastNonce, errorMessage: "rejected", errorCode: 13
        )
        guard case .nack(_, let newNames) = outcome else {
            Issue.record("expected a NACK, got \(outcome)")
            return
        }
        #expect(newNames == ["b"])
        #expect(session.send([resource("b", type: .endpoint)], force: true)?.names == ["b"])
    }

    @Test("a request answering an older nonce is stale: no ACK, no NACK, no subscription change")
    func staleNonce() {
        var session = SotWSession(.endpoint, names: ["a"])
        let first = session.send([resource("a", type: .endpoint)], force: true)!
        session.ack(["a"])
        let second = session.send([resource("a", "2", type: .endpoint)])!

        #expect(session.state.receive(names: ["a", "b"], nonce: first.nonce, errorMessage: nil) == .stale)
        #expect(session.state.receive(names: ["a"], nonce: first.nonce, errorMessage: "late") == .stale)
        #expect(session.state.receive(names: ["a"], nonce: "never-sent", errorMessage: nil) == .stale)
        #expect(session.state.ackedVersionInfo == first.versionInfo)
        #expect(session.state.lastRejection == nil)
        #expect(session.state.subscription == .names(["a"]))

        #expect(session.state.receive(names: ["a"], nonce: second.nonce, errorMessage: nil) == .ack(newNames: nil))
        #expect(session.state.ackedVersionInfo == second.versionInfo)
    }

    @Test("a request without a nonce after a response is answered afresh with its subscription, as istiod does")
    func emptyNonceStartsOver() {
        var session = SotWSession(.endpoint, names: ["a"])
        _ = session.send([resource("a", type: .endpoint)], force: true)!
        session.ack(["a"])
        #expect(session.state.receive(names: ["a", "b"], nonce: "", errorMessage: nil) == .initial)
        #expect(session.state.subscription == .names(["a", "b"]))
        let resent = session.send([resource("a", type: .endpoint), resource("b", type: .endpoint)], force: true)
        #expect(resent?.names == ["a", "b"])
    }

    @Test("names added in a stale request are sent once the current response is ACKed with them")
    func namesFromStaleRequest() {
        var session = SotWSession(.endpoint, names: ["a"])
        let first = session.send([resource("a", type: .endpoint)], force: true)!
        session.send([resource("a", "2", type: .endpoint)])
        // Envoy asked for "b" before it saw the second response...
        #expect(session.state.receive(names: ["a", "b"], nonce: first.nonce, errorMessage: nil) == .stale)
        // ...and repeats the same names when it ACKs that response.
        #expect(session.ack(["a", "b"]) == .ack(newNames: ["b"]))
    }

    // MARK: Subscriptions

    @Test("an ACK that adds EDS names asks for exactly those names, and they go out")
    func ackAddsNames() {
        var session = SotWSession(.endpoint, names: ["a"])
        let first = session.send([resource("a", type: .endpoint)], force: true)!
        let outcome = session.ack(["a", "b", "c"])
        #expect(outcome == .ack(newNames: ["b", "c"]))
        #expect(session.state.subscription == .names(["a", "b", "c"]))

        // The stream generates only the new names; "c" does not exist.
        let response = session.send([resource("b", type: .endpoint)], force: true)
        #expect(response?.names == ["b"])
        // Envoy keeps "a" from before: the version covers both.
        #expect(response?.versionInfo != first.versionInfo)
        #expect(session.state.sent.keys.sorted() == ["a", "b"])
    }

    @Test("names dropped from the request are no longer sent, and come back in full when asked for again")
    func unsubscribe() {
        var session = SotWSession(.endpoint, names: ["a", "b"])
        session.send([resource("a", type: .endpoint), resource("b", type: .endpoint)], force: true)
        #expect(session.ack(["a"]) == .ack(newNames: nil))
        #expect(session.state.subscription == .names(["a"]))
        #expect(!session.state.subscription.contains("b"))

        // A change to "b" concerns nobody now.
        #expect(session.send([resource("a", type: .endpoint), resource("b", "2", type: .endpoint)]) == nil)

        // Envoy dropped "b" when it unsubscribed: asking again must send it, unchanged or not.
        #expect(session.ack(["a", "b"]) == .ack(newNames: ["b"]))
        #expect(session.send([resource("b", "2", type: .endpoint)], force: true)?.names == ["b"])
    }

    @Test("unsubscribing from every EDS name is not a wildcard subscription")
    func unsubscribeAll() {
        var session = SotWSession(.endpoint, names: ["a"])
        session.send([resource("a", type: .endpoint)], force: true)
        session.ack([])
        #expect(session.state.subscription == .names([]))
        #expect(session.send([resource("a", "2", type: .endpoint), resource("z", type: .endpoint)]) == nil)
    }

    // MARK: Pushes

    @Test("a push whose resources hash the same as the last response sends nothing", arguments: [TypeURL.cluster, .endpoint])
    func unchangedPush(type: TypeURL) {
        let names = type == .cluster ? [] : ["a", "b"]
        var session = SotWSession(type, names: names)
        session.send([resource("a", type: type), resource("b", type: type)], force: true)
        session.ack(names)
        #expect(session.send([resource("b", type: type), resource("a", type: type)]) == nil)
        #expect(session.responses.count == 1)
    }

    @Test("a push to EDS sends the changed names only; Envoy keeps the others")
    func namedPushSendsChanges() {
        var session = SotWSession(.endpoint, names: ["a", "b"])
        let first = session.send([resource("a", type: .endpoint), resource("b", type: .endpoint)], force: true)!
        session.ack(["a", "b"])
        let second = session.send([resource("a", type: .endpoint), resource("b", "2", type: .endpoint)])
        #expect(second?.names == ["b"])
        #expect(second?.versionInfo != first.versionInfo)
    }

    @Test("a push to CDS resends the complete set, without what was removed", arguments: [TypeURL.cluster, .listener])
    func wildcardRemoval(type: TypeURL) {
        var session = SotWSession(type)
        session.send([resource("a", type: type), resource("b", type: type), resource("c", type: type)], force: true)
        session.ack()
        // Only "b" changed, but CDS and LDS responses are always complete.
        #expect(session.send([resource("a", type: type), resource("b", "2", type: type), resource("c", type: type)])?.names == ["a", "b", "c"])
        session.ack()
        // Removing "c" is a new full set without it.
        #expect(session.send([resource("a", type: type), resource("b", "2", type: type)])?.names == ["a", "b"])
        session.ack()
        // Removing everything is an empty response, not silence.
        #expect(session.send([])?.names == [])
        #expect(session.state.sent.isEmpty)
    }

    @Test("version_info is equal for equal sets and differs when content changes")
    func versionDeterminism() {
        var one = SotWSession(.cluster)
        var other = SotWSession(.cluster)
        let a = one.send([resource("a"), resource("b")], force: true)!
        let b = other.send([resource("b"), resource("a")], force: true)!
        #expect(a.versionInfo == b.versionInfo)

        var changed = SotWSession(.cluster)
        let c = changed.send([resource("a"), resource("b", "2")], force: true)!
        #expect(c.versionInfo != a.versionInfo)
        var renamed = SotWSession(.cluster)
        let d = renamed.send([resource("a"), resource("c")], force: true)!
        #expect(d.versionInfo != a.versionInfo)
        #expect(one.state.versionInfo(after: [resource("a"), resource("b")]) == a.versionInfo)
    }

    @Test("a first request carrying a nonce from a previous server is treated as initial")
    func reconnect() {
        var state = StateOfTheWorldState(typeURL: .cluster, firstRequestNames: [])
        let outcome = state.receive(names: [], nonce: "nonce-from-before-restart", errorMessage: nil)
        #expect(outcome == .initial)
        #expect(state.ackedVersionInfo == nil)
        #expect(state.answeredNonce == nil)
        #expect(state.selectForSend([resource("a")], force: true)?.map(\.name) == ["a"])

        // Same for a named type, whose subscription comes from that request.
        var eds = StateOfTheWorldState(typeURL: .endpoint, firstRequestNames: ["a"])
        #expect(eds.receive(names: ["a", "b"], nonce: "old", errorMessage: "old error") == .initial)
        #expect(eds.subscription == .names(["a", "b"]))
        #expect(eds.lastRejection == nil)
    }

    @Test("a restarted server gives the same config the same version_info")
    func versionSurvivesRestart() {
        var before = SotWSession(.cluster)
        var after = SotWSession(.cluster)
        #expect(before.send([resource("a")], force: true)!.versionInfo == after.send([resource("a")], force: true)!.versionInfo)
    }
}
