import Foundation
import Testing
import XDS

/// The xDS server against a real Envoy 1.40, in both protocol variants: Envoy accepts
/// what it is sent, routes real traffic with it, follows updates, reports NACKs that
/// leave it on its last good config, and comes back after the server restarts.
@Suite("Envoy over ADS", .serialized)
struct EnvoyADSTests {
    static let nodeID = "sidecar~127.0.0.1~e2e-1.default~default.svc.cluster.local"

    @Test(arguments: EnvoyProcess.ADSVariant.allCases)
    func envoyAcceptsRoutesUpdatesAndRejects(variant: EnvoyProcess.ADSVariant) async throws {
        let scratch = try ScratchDirectory("envoy-ads")
        let one = try Backend(name: "one", directory: scratch.url)
        let two = try Backend(name: "two", directory: scratch.url)
        try await one.waitUntilServing()
        try await two.waitUntilServing()
        let listenerPort = try LocalPorts.free()
        let provider = FixtureProvider(.init(listenerPort: listenerPort, endpoints: [(one.host, one.port)]))
        let xdsPort = try LocalPorts.free()
        let listenerURL = "http://127.0.0.1:\(listenerPort)/"

        try await withADSServer(provider: provider, port: xdsPort) { server in
            let envoy = try EnvoyProcess(nodeID: Self.nodeID, xdsPort: xdsPort, variant: variant, directory: scratch.url)
            defer { envoy.stop() }

            // Envoy takes everything and routes through it.
            try await eventually("a request through Envoy reaches backend one", within: .seconds(60)) {
                try await HTTP.get(listenerURL, timeout: .seconds(2)).body == "one"
            }
            let dumped = try await envoy.configDumpNames()
            #expect(dumped.isSuperset(of: [FixtureProvider.listenerName, FixtureProvider.routeName, FixtureProvider.clusterName]))
            try await eventually("every type SYNCED") {
                server.states(of: Self.nodeID) == Self.allSynced
            }
            let proxy = try #require(server.syncStatus().first)
            #expect(proxy.protocolVariant == (variant == .delta ? "delta" : "sotw"))
            #expect(proxy.istioVersion == "1.28.0")

            // An endpoint change reaches Envoy without a restart, as an EDS push only.
            let before = server.syncStatus().first!.types
            provider.config.withLock { $0.endpoints = [(two.host, two.port)] }
            server.push(.full([.endpoint], reason: "endpoint"))
            try await eventually("a request through Envoy reaches backend two") {
                try await HTTP.get(listenerURL, timeout: .seconds(2)).body == "two"
            }
            try await eventually("the new endpoints ACKed") {
                let types = server.syncStatus().first!.types
                let eds = types.first { $0.typeURL == TypeURL.endpoint.rawValue }!
                let edsBefore = before.first { $0.typeURL == TypeURL.endpoint.rawValue }!
                return eds.state == .synced && eds.ackedVersion != edsBefore.ackedVersion
            }
            let after = server.syncStatus().first!.types
            for type in [TypeURL.cluster, .listener, .route] {
                let count = { (list: [TypeSyncStatus]) in list.first { $0.typeURL == type.rawValue }!.responses }
                #expect(count(after) == count(before), "\(type.shortName) must not be resent for an endpoint change")
            }

            // A changed cluster is warmed again and serves without a gap in routing.
            provider.config.withLock { $0.connectTimeoutSeconds = 2 }
            server.push(.full([.cluster], reason: "config"))
            try await eventually("the changed cluster ACKed and warm") {
                guard server.states(of: Self.nodeID)[.cluster] == .synced else { return false }
                let dump = try await envoy.admin("/config_dump?resource=dynamic_active_clusters")
                let warming = try await envoy.stat("cluster_manager.warming_clusters")
                return dump.contains("\"connect_timeout\": \"2s\"") && warming == 0
            }
            #expect(try await HTTP.get(listenerURL, timeout: .seconds(2)).body == "two")

            // A listener Envoy rejects: NACK recorded with Envoy's words, traffic unchanged.
            provider.config.withLock { $0.brokenListener = true }
            server.push(.full([.listener], reason: "config"))
            try await eventually("the listener NACK recorded") {
                server.states(of: Self.nodeID)[.listener] == .nacked
            }
            let listenerStatus = server.syncStatus().first!.types.first { $0.typeURL == TypeURL.listener.rawValue }!
            let rejection = try #require(listenerStatus.lastRejection)
            #expect(rejection.contains("filter chain"), "Envoy's own reason: \(rejection)")
            #expect(try await envoy.stat("listener_manager.lds.update_rejected") == 1)
            #expect(try await HTTP.get(listenerURL, timeout: .seconds(2)).body == "two")

            // A push with the same rejected content is not retried in a loop.
            server.push(.full([.listener], reason: "config"))
            try await Task.sleep(for: .milliseconds(500))
            #expect(try await envoy.stat("listener_manager.lds.update_rejected") == 1)

            // Fixed: the next good listener is taken.
            provider.config.withLock { $0.brokenListener = false }
            server.push(.full([.listener], reason: "config"))
            try await eventually("the listener SYNCED again") {
                server.states(of: Self.nodeID)[.listener] == .synced
            }
        }
    }

    @Test(arguments: EnvoyProcess.ADSVariant.allCases)
    func envoyReconnectsAfterRestartAndKeepsRouting(variant: EnvoyProcess.ADSVariant) async throws {
        let scratch = try ScratchDirectory("envoy-reconnect")
        let one = try Backend(name: "one", directory: scratch.url)
        try await one.waitUntilServing()
        let listenerPort = try LocalPorts.free()
        let provider = FixtureProvider(.init(listenerPort: listenerPort, endpoints: [(one.host, one.port)]))
        let xdsPort = try LocalPorts.free()
        let listenerURL = "http://127.0.0.1:\(listenerPort)/"

        let envoy = try await withADSServer(provider: provider, port: xdsPort) { server in
            let envoy = try EnvoyProcess(nodeID: Self.nodeID, xdsPort: xdsPort, variant: variant, directory: scratch.url)
            try await eventually("a request through Envoy reaches backend one", within: .seconds(60)) {
                try await HTTP.get(listenerURL, timeout: .seconds(2)).body == "one"
            }
            try await eventually("every type SYNCED") { server.states(of: Self.nodeID) == Self.allSynced }
            return envoy
        }
        defer { envoy.stop() }

        // The server is gone: Envoy keeps routing with what it has.
        for _ in 0..<5 {
            #expect(try await HTTP.get(listenerURL, timeout: .seconds(2)).body == "one")
        }

        try await withADSServer(provider: provider, port: xdsPort) { server in
            try await eventually("Envoy reconnected and is in sync", within: .seconds(60)) {
                server.states(of: Self.nodeID) == Self.allSynced
            }
            #expect(try await HTTP.get(listenerURL, timeout: .seconds(2)).body == "one")
            if variant == .delta {
                // The client reported what it holds; nothing unchanged is sent again.
                let types = server.syncStatus().first!.types
                for type in types {
                    #expect(type.responses == 0, "\(type.typeURL) resent after reconnect")
                }
            }
        }
    }

    static let allSynced: [TypeURL: TypeSyncStatus.State] = [
        .cluster: .synced, .endpoint: .synced, .listener: .synced, .route: .synced,
    ]
}

extension XDSServer {
    /// Each type's sync state for the proxy with this node id.
    func states(of proxyID: String) -> [TypeURL: TypeSyncStatus.State] {
        guard let proxy = syncStatus().first(where: { $0.proxyID == proxyID }) else { return [:] }
        return Dictionary(uniqueKeysWithValues: proxy.types.map { (TypeURL($0.typeURL), $0.state) })
    }
}
