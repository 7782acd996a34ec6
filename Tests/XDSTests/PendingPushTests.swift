import Testing
@testable import XDS

@Suite("Pending pushes")
struct PendingPushTests {
    static let start = ContinuousClock.now

    static func request(
        _ types: [TypeURL: Set<String>?],
        reason: String = "config",
        at offset: Duration = .zero
    ) -> PushRequest {
        PushRequest(types: types, reason: reason, triggeredAt: start.advanced(by: offset))
    }

    @Test("names asked for by merged pushes add up")
    func namesMerge() {
        var pending = PendingPush(Self.request([.endpoint: ["a", "b"]]))
        pending.merge(Self.request([.endpoint: ["b", "c"]]))
        #expect(pending.types == [.endpoint: ["a", "b", "c"]])
    }

    @Test("a push for every name wins over pushes for some names, whichever comes first")
    func allNamesDominate() {
        var allFirst = PendingPush(Self.request([.endpoint: nil]))
        allFirst.merge(Self.request([.endpoint: ["a"]]))
        #expect(allFirst.types.count == 1)
        #expect(allFirst.types[.endpoint] == .some(nil))

        var allLast = PendingPush(Self.request([.endpoint: ["a"]]))
        allLast.merge(Self.request([.endpoint: nil]))
        #expect(allLast.types.count == 1)
        #expect(allLast.types[.endpoint] == .some(nil))
    }

    @Test("a type only the later push has is added, with its own scope")
    func newTypesAdded() {
        var pending = PendingPush(Self.request([.endpoint: ["a"]]))
        pending.merge(Self.request([.cluster: nil, .route: ["80"]]))
        #expect(pending.types.count == 3)
        #expect(pending.types[.endpoint] == .some(["a"]))
        // Present, meaning every name: not absent.
        #expect(pending.types.keys.contains(.cluster))
        #expect(pending.types[.cluster] == .some(nil))
        #expect(pending.types[.route] == .some(["80"]))
    }

    @Test("the earliest trigger is kept, so convergence time counts from the first change")
    func earliestTrigger() {
        var pending = PendingPush(Self.request([.cluster: nil], at: .seconds(5)))
        pending.merge(Self.request([.cluster: nil], at: .seconds(2)))
        pending.merge(Self.request([.cluster: nil], at: .seconds(9)))
        #expect(pending.triggeredAt == Self.start.advanced(by: .seconds(2)))
    }

    @Test("reasons of merged pushes are all kept")
    func reasons() {
        var pending = PendingPush(Self.request([.endpoint: nil], reason: "endpoint"))
        pending.merge(Self.request([.cluster: nil], reason: "config"))
        pending.merge(Self.request([.cluster: nil], reason: "config"))
        #expect(pending.reasons == ["endpoint", "config"])
    }

    @Test("types go out clusters, endpoints, listeners, routes, secrets, then the others")
    func order() {
        let address = TypeURL("type.googleapis.com/istio.workload.Address")
        let authorization = TypeURL("type.googleapis.com/istio.security.Authorization")
        let pending = PendingPush(
            PushRequest.full([authorization, .secret, .route, .listener, address, .endpoint, .cluster], reason: "config")
        )
        #expect(pending.orderedTypes == [.cluster, .endpoint, .listener, .route, .secret, authorization, address])
    }

    @Test("a full push names every type with every name")
    func fullPush() {
        let request = PushRequest.full([.cluster, .listener], reason: "config")
        #expect(request.types.count == 2)
        #expect(request.types[.cluster] == .some(nil))
        #expect(request.types[.listener] == .some(nil))
    }
}

@Suite("Type URLs")
struct TypeURLTests {
    @Test("the mesh's types have Envoy's type URLs")
    func urls() {
        #expect(TypeURL.cluster.rawValue == "type.googleapis.com/envoy.config.cluster.v3.Cluster")
        #expect(TypeURL.endpoint.rawValue == "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment")
        #expect(TypeURL.listener.rawValue == "type.googleapis.com/envoy.config.listener.v3.Listener")
        #expect(TypeURL.route.rawValue == "type.googleapis.com/envoy.config.route.v3.RouteConfiguration")
        #expect(TypeURL.secret.rawValue == "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret")
    }

    @Test("only clusters and listeners are wildcard types in state of the world")
    func wildcardTypes() {
        #expect(TypeURL.cluster.isWildcardInStateOfTheWorld)
        #expect(TypeURL.listener.isWildcardInStateOfTheWorld)
        #expect(!TypeURL.endpoint.isWildcardInStateOfTheWorld)
        #expect(!TypeURL.route.isWildcardInStateOfTheWorld)
        #expect(!TypeURL.secret.isWildcardInStateOfTheWorld)
        #expect(!TypeURL("type.googleapis.com/istio.workload.Address").isWildcardInStateOfTheWorld)
    }

    @Test("metric labels use istiod's short names")
    func shortNames() {
        #expect([TypeURL.cluster, .endpoint, .listener, .route, .secret].map(\.shortName) == ["cds", "eds", "lds", "rds", "sds"])
        #expect(TypeURL("type.googleapis.com/istio.workload.Address").shortName == "address")
    }
}
