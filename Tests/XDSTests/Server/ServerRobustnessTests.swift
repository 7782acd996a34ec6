import GRPCCore
import MetricsTestKit
import Testing
import XDS

/// What a misbehaving client can do to the server: nothing beyond its own stream.
@Suite("xDS server robustness")
struct ServerRobustnessTests {
    @Test func aNodeWithoutIDIsRefusedWithTheReason() async throws {
        try await withInProcessADS(provider: ClusterListProvider(["a"])) { server, client in
            let stream = TestStream()
            var request = DiscoveryRequest()
            request.typeURL = TypeURL.cluster.rawValue
            request.node.cluster = "no-id"
            stream.send(request)
            async let run: Void = stream.run(on: client)
            let end = await stream.waitForEnd()
            #expect(end.error?.code == .invalidArgument)
            #expect(end.error?.message.contains("node.id is empty") == true, "\(String(describing: end.error))")
            stream.close()
            await run
        }
    }

    @Test func aFirstRequestWithoutNodeIsRefused() async throws {
        try await withInProcessADS(provider: ClusterListProvider(["a"])) { server, client in
            let stream = TestStream()
            var request = DiscoveryRequest()
            request.typeURL = TypeURL.cluster.rawValue
            stream.send(request)
            async let run: Void = stream.run(on: client)
            let end = await stream.waitForEnd()
            #expect(end.error?.code == .invalidArgument)
            #expect(end.error?.message.contains("no node") == true)
            stream.close()
            await run
        }
    }

    @Test func aGarbageTypeURLGetsNothingAndTheStreamStaysUsable() async throws {
        try await withInProcessADS(provider: ClusterListProvider(["a", "b"])) { server, client in
            let stream = TestStream()
            var garbage = firstRequest(TypeURL("type.googleapis.com/not.a.Type"))
            garbage.resourceNames = ["x"]
            stream.send(garbage)
            var clusters = DiscoveryRequest()
            clusters.typeURL = TypeURL.cluster.rawValue
            stream.send(clusters)
            async let run: Void = stream.run(on: client)
            let response = try #require(await stream.next())
            #expect(response.typeURL == TypeURL.cluster.rawValue)
            #expect(try clusterNames(response) == ["a", "b"])
            stream.close()
            await run
        }
    }

    @Test func anUnknownNonceIsIgnoredAndCounted() async throws {
        let metrics = TestMetrics()
        try await withInProcessADS(provider: ClusterListProvider(["a"]), metrics: metrics) { server, client in
            let stream = TestStream()
            stream.send(firstRequest(.cluster))
            async let run: Void = stream.run(on: client)
            let first = try #require(await stream.next())
            var stale = ack(first)
            stale.responseNonce = "not-a-nonce-we-sent"
            stream.send(stale)
            try await waitUntil {
                metrics.counterTotal(label: "pilot_xds_expired_nonce", dimensions: [("type", "cds")]) == 1
            }
            #expect(await stream.next(within: .milliseconds(300)) == nil)
            // The real ACK still counts.
            stream.send(ack(first))
            try await waitUntil { server.syncStatus().first?.types.first?.state == .synced }
            stream.close()
            await run
        }
    }

    @Test func aNackIsCountedAndShownWithTheClientsMessage() async throws {
        let metrics = TestMetrics()
        try await withInProcessADS(provider: ClusterListProvider(["a"]), metrics: metrics) { server, client in
            let stream = TestStream()
            stream.send(firstRequest(.cluster))
            async let run: Void = stream.run(on: client)
            let first = try #require(await stream.next())
            var nack = ack(first)
            nack.versionInfo = ""
            nack.errorDetail.code = 13
            nack.errorDetail.message = "cluster a: bad config"
            stream.send(nack)
            try await waitUntil { server.syncStatus().first?.types.first?.state == .nacked }
            #expect(server.syncStatus().first?.types.first?.lastRejection == "cluster a: bad config")
            #expect(metrics.counterTotal(label: "pilot_total_xds_rejects", dimensions: [("type", "cds")]) == 1)
            // No retry loop: nothing more is sent for the rejected content.
            #expect(await stream.next(within: .milliseconds(300)) == nil)
            stream.close()
            await run
        }
    }

    @Test func aThousandStreamsOpenedAndDroppedLeaveOthersServed() async throws {
        let metrics = TestMetrics()
        let provider = ClusterListProvider(["a"])
        try await withInProcessADS(provider: provider, metrics: metrics) { server, client in
            let steady = TestStream()
            steady.send(firstRequest(.cluster))
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await steady.run(on: client) }
                let first = try #require(await steady.next())
                steady.send(ack(first))

                // A thousand streams that connect, subscribe and vanish without a word.
                try await withThrowingTaskGroup(of: Void.self) { churn in
                    for index in 0..<1000 {
                        churn.addTask {
                            let stream = TestStream()
                            stream.send(firstRequest(.cluster, proxy: "sidecar~127.0.0.2~churn-\(index).default~default.svc.cluster.local"))
                            try await withThrowingTaskGroup(of: Void.self) { one in
                                one.addTask { await stream.run(on: client) }
                                _ = await stream.next()
                                one.cancelAll()
                            }
                        }
                    }
                    try await churn.waitForAll()
                }
                try await waitUntil { server.connectionCount == 1 }
                #expect(try metrics.expectGauge("pilot_xds", [("version", "unknown")]).lastValue == 1)

                // The steady proxy still gets its pushes.
                provider.names.withLock { $0.append("b") }
                #expect(server.push(.full([.cluster], reason: "config")) == 1)
                let update = try #require(await steady.next())
                #expect(try clusterNames(update) == ["a", "b"])
                steady.close()
                group.cancelAll()
            }
        }
    }
}

/// Polls `condition` until it holds, for at most `limit`.
func waitUntil(within limit: Duration = .seconds(10), _ condition: () throws -> Bool) async throws {
    let deadline = ContinuousClock.now + limit
    while ContinuousClock.now < deadline {
        if try condition() { return }
        try await Task.sleep(for: .milliseconds(5))
    }
    Issue.record("condition not met within \(limit)")
}
