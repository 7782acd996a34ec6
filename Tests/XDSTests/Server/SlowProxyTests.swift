import Synchronization
import Testing
import XDS

/// A proxy that falls behind holds up no one else, and catches up with the latest
/// state in one step rather than replaying every version in between.
@Suite("xDS pushes to a slow proxy")
struct SlowProxyTests {
    /// Clusters by name, where generating for the proxy named "slow" waits at a gate,
    /// as a stuck or slow consumer would hold its own stream.
    final class GatedProvider: ResourceProvider {
        let names = Mutex<[String]>(["v1"])
        let gateOpen = Mutex(true)

        var typeURLs: Set<TypeURL> { [.cluster] }

        func resources(_ typeURL: TypeURL, for proxy: ProxyNode, names: Set<String>?) async throws -> [XDSResource] {
            if proxy.workloadID.hasPrefix("slow") {
                while !gateOpen.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(5)) }
            }
            return try self.names.withLock { $0 }.map { name in
                var cluster = Envoy_Config_Cluster_V3_Cluster()
                cluster.name = name
                return try XDSResource(name: name, message: cluster)
            }
        }
    }

    @Test func aStuckProxyDelaysNoOneAndGetsOnlyTheLatestVersion() async throws {
        let provider = GatedProvider()
        try await withInProcessADS(provider: provider) { server, client in
            let steady = TestStream()
            let slow = TestStream()
            steady.send(firstRequest(.cluster, proxy: "sidecar~127.0.0.1~steady.default~default.svc.cluster.local"))
            slow.send(firstRequest(.cluster, proxy: "sidecar~127.0.0.2~slow.default~default.svc.cluster.local"))
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await steady.run(on: client) }
                group.addTask { await slow.run(on: client) }
                steady.send(ack(try #require(await steady.next())))
                slow.send(ack(try #require(await slow.next())))

                provider.gateOpen.withLock { $0 = false }
                for version in 2...6 {
                    provider.names.withLock { $0 = ["v\(version)"] }
                    server.push(.full([.cluster], reason: "config"))
                    let update = try #require(await steady.next(), "the steady proxy must not wait for the slow one")
                    #expect(try clusterNames(update) == ["v\(version)"])
                    steady.send(ack(update))
                }

                provider.gateOpen.withLock { $0 = true }
                let caughtUp = try #require(await slow.next())
                #expect(try clusterNames(caughtUp) == ["v6"])
                slow.send(ack(caughtUp))
                // The pushes that queued meanwhile merged into one, which found nothing new.
                #expect(await slow.next(within: .milliseconds(500)) == nil)
                steady.close()
                slow.close()
                group.cancelAll()
            }
        }
    }
}
