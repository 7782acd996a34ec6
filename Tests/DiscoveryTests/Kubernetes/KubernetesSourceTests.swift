import Foundation
import KubernetesStandIn
import Testing

@testable import Discovery

/// The source against the stand-in API server, over real HTTP.
@Suite("Kubernetes source")
struct KubernetesSourceTests {
    private static func json(_ data: Data) -> NSDictionary? {
        (try? JSONSerialization.jsonObject(with: data)) as? NSDictionary
    }

    @Test func paginatedListDeliversObjectsAsTheServerSentThem() async throws {
        let server = StandInAPIServer([.services, .endpointSlices, .pods, .virtualServices])
        server.apply(.services, try KubernetesFixture.object("service-reviews"))
        for index in 1...4 {
            server.apply(.services, KubernetesFixture.make(.services, namespace: "bookinfo", name: "svc-\(index)"))
        }
        server.apply(.endpointSlices, try KubernetesFixture.object("endpointslice-reviews"))
        server.apply(.pods, try KubernetesFixture.object("pod-reviews-v1"))
        server.apply(.virtualServices, try KubernetesFixture.object("virtualservice-reviews"))
        let listVersion = server.currentResourceVersion

        try await withKubernetesSource(
            server: server, kinds: [.services, .endpointSlices, .pods, .virtualServices], pageSize: 2
        ) { recorder, url in
            try await eventually("every kind is listed") { recorder.syncedAfter != nil }
            let lines = recorder.lines
            #expect(lines.contains(
                "replaceAll Service [bookinfo/reviews, bookinfo/svc-1, bookinfo/svc-2, bookinfo/svc-3, bookinfo/svc-4]"))
            #expect(lines.contains("replaceAll EndpointSlice [bookinfo/reviews-x7k2p]"))
            #expect(lines.contains("replaceAll Pod [bookinfo/reviews-v1-5b5d6494f4-k8c2x]"))
            #expect(lines.contains("replaceAll VirtualService [bookinfo/reviews]"))
            #expect(recorder.syncedAfter == 4)

            // Three pages of two, each continuing where the last ended.
            let lists = server.requests(for: .services, watch: false)
            #expect(lists.count == 3)
            #expect(lists.allSatisfy { $0.query["limit"] == "2" })
            #expect(lists[0].query["continue"] == nil)
            #expect(lists[1].query["continue"] != nil && lists[2].query["continue"] != nil)

            // The object is the fixture (its apiVersion and kind restored), with the server's resourceVersion.
            let objects = recorder.events.compactMap { event -> [RawObject]? in
                if case .replaceAll(_, let objects) = event { return objects } else { return nil }
            }.flatMap { $0 }
            for (name, type) in [
                ("service-reviews", KubernetesResourceType.services), ("endpointslice-reviews", .endpointSlices),
                ("pod-reviews-v1", .pods), ("virtualservice-reviews", .virtualServices),
            ] {
                let fixture = try KubernetesFixture.object(name)
                let metadata = fixture["metadata"] as! [String: Any]
                let object = try #require(objects.first { $0.key.kind == type.kind && $0.key.name == metadata["name"] as? String })
                #expect(object.location == .kubernetes(server: url))
                #expect(object.apiVersion == type.apiVersion)
                let received = try #require(Self.json(object.json)).mutableCopy() as! NSMutableDictionary
                let receivedMetadata = (received["metadata"] as! NSDictionary).mutableCopy() as! NSMutableDictionary
                #expect(receivedMetadata["resourceVersion"] as? String == object.resourceVersion)
                receivedMetadata["resourceVersion"] = metadata["resourceVersion"]
                received["metadata"] = receivedMetadata
                #expect(received == fixture as NSDictionary, "\(name) should arrive unchanged")
            }
            // Watches start from the list's resourceVersion.
            try await eventually("the services watch starts") { !server.requests(for: .services, watch: true).isEmpty }
            let watch = server.requests(for: .services, watch: true)[0]
            #expect(watch.query["resourceVersion"] == String(listVersion))
            #expect(watch.query["allowWatchBookmarks"] == "true")
            #expect(watch.query["timeoutSeconds"] == "30")
        }
    }

    @Test func watchAddModifyDelete() async throws {
        let server = StandInAPIServer([.services])
        try await withKubernetesSource(server: server, kinds: [.services]) { recorder, _ in
            try await eventually("the watch is open") { server.openWatchCount(.services) == 1 }
            let added = server.apply(.services, try KubernetesFixture.object("service-reviews"))
            var changed = try KubernetesFixture.object("service-reviews")
            changed["spec"] = ["ports": [["name": "http", "port": 9081]]]
            let modified = server.apply(.services, changed)
            server.delete(.services, namespace: "bookinfo", name: "reviews")
            try await eventually("three changes arrive") { recorder.events.count == 4 }
            #expect(recorder.lines == [
                "replaceAll Service []",
                "upsert Service bookinfo/reviews@\(added)",
                "upsert Service bookinfo/reviews@\(modified)",
                "delete Service bookinfo/reviews",
            ])
            guard case .upsert(let object) = recorder.events[2] else { return }
            let spec = try #require(Self.json(object.json)?["spec"] as? NSDictionary)
            #expect((spec["ports"] as? [NSDictionary])?.first?["port"] as? Int == 9081)
        }
    }

    @Test func eventsSplitAcrossChunksOrSharingOne() async throws {
        let server = StandInAPIServer([.services])
        try await withKubernetesSource(server: server, kinds: [.services]) { recorder, _ in
            try await eventually("the watch is open") { server.openWatchCount(.services) == 1 }
            let first = server.applySilently(.services, KubernetesFixture.make(.services, namespace: "a", name: "one"))
            let second = server.applySilently(.services, KubernetesFixture.make(.services, namespace: "a", name: "two"))
            let third = server.applySilently(.services, KubernetesFixture.make(.services, namespace: "a", name: "three"))
            let cut = first.line.count / 2
            server.sendRaw(.services, chunks: [
                first.line.prefix(cut), first.line.dropFirst(cut) + second.line + third.line.prefix(10),
                third.line.dropFirst(10),
            ])
            try await eventually("all three arrive") { recorder.events.count == 4 }
            #expect(Array(recorder.lines.dropFirst()) == [
                "upsert Service a/one@\(first.resourceVersion)", "upsert Service a/two@\(second.resourceVersion)",
                "upsert Service a/three@\(third.resourceVersion)",
            ])
        }
    }

    @Test func bookmarkAdvancesTheResourceVersionOfTheNextWatch() async throws {
        let server = StandInAPIServer([.services])
        let sleeper = SleepRecorder()
        try await withKubernetesSource(server: server, kinds: [.services], sleeper: sleeper) { recorder, _ in
            try await eventually("the watch is open") { server.openWatchCount(.services) == 1 }
            let bookmarked = server.bookmark(.services)
            server.dropWatches(.services)
            try await eventually("the watch reconnects") { server.requests(for: .services, watch: true).count == 2 }
            #expect(server.requests(for: .services, watch: true)[1].query["resourceVersion"] == String(bookmarked))
            // A bookmark is not a change, and reconnecting needs no list.
            #expect(recorder.lines == ["replaceAll Service []"])
            #expect(server.requests(for: .services, watch: false).count == 1)
        }
    }

    @Test func goneRelistsAndReplacesEverything() async throws {
        let server = StandInAPIServer([.services])
        server.apply(.services, KubernetesFixture.make(.services, namespace: "a", name: "kept"))
        server.apply(.services, KubernetesFixture.make(.services, namespace: "a", name: "removed"))
        try await withKubernetesSource(server: server, kinds: [.services]) { recorder, _ in
            try await eventually("the watch is open") { server.openWatchCount(.services) == 1 }
            // Changes the watch never sees, then the history they were in is compacted away.
            server.dropWatches(.services)
            server.delete(.services, namespace: "a", name: "removed")
            server.apply(.services, KubernetesFixture.make(.services, namespace: "a", name: "added"))
            server.expire(.services)
            try await eventually("the source lists again") { recorder.events.count == 2 }
            #expect(recorder.lines == ["replaceAll Service [a/kept, a/removed]", "replaceAll Service [a/added, a/kept]"])
            #expect(server.requests(for: .services, watch: false).count == 2)
            // And watches from the new list's resourceVersion.
            try await eventually("the watch reopens") { server.openWatchCount(.services) == 1 }
            let watches = server.requests(for: .services, watch: true)
            #expect(watches.last?.query["resourceVersion"] == String(server.currentResourceVersion))
        }
    }

    @Test func goneAsAnErrorEventOnAnOpenWatchRelists() async throws {
        let server = StandInAPIServer([.services])
        try await withKubernetesSource(server: server, kinds: [.services]) { recorder, _ in
            try await eventually("the watch is open") { server.openWatchCount(.services) == 1 }
            server.expire(.services)
            try await eventually("the source lists again") { server.requests(for: .services, watch: false).count == 2 }
            try await eventually("the replaceAll arrives") { recorder.events.count == 2 }
        }
    }

    @Test func droppedConnectionsReconnectWithBackoffFromTheLastResourceVersion() async throws {
        let server = StandInAPIServer([.services])
        let sleeper = SleepRecorder()
        try await withKubernetesSource(server: server, kinds: [.services], sleeper: sleeper) { recorder, _ in
            try await eventually("the watch is open") { server.openWatchCount(.services) == 1 }
            let added = server.apply(.services, KubernetesFixture.make(.services, namespace: "a", name: "one"))
            try await eventually("the object arrives") { recorder.events.count == 2 }
            // Dropped after an event: the first backoff step.
            server.dropWatches(.services)
            try await eventually("second watch") { server.requests(for: .services, watch: true).count == 2 }
            #expect(server.requests(for: .services, watch: true)[1].query["resourceVersion"] == String(added))
            // Dropped again with nothing received: the delay doubles.
            try await eventually("the watch is open") { server.openWatchCount(.services) == 1 }
            server.dropWatches(.services)
            try await eventually("third watch") { server.requests(for: .services, watch: true).count == 3 }
            // random() is 0.5 and jitter 0.2: each delay is 10% over its step.
            #expect(sleeper.recorded == [.milliseconds(1100), .milliseconds(2200)])
            #expect(server.requests(for: .services, watch: false).count == 1)
            // Changes made while disconnected are replayed from the resourceVersion.
            try await eventually("the watch is open") { server.openWatchCount(.services) == 1 }
            let later = server.apply(.services, KubernetesFixture.make(.services, namespace: "a", name: "two"))
            try await eventually("the next object arrives") { recorder.events.count == 3 }
            #expect(recorder.lines.last == "upsert Service a/two@\(later)")
        }
    }

    @Test func uninstalledCRDIsReportedOnceAndOthersAreUnaffected() async throws {
        let server = StandInAPIServer([.services], notInstalled: [.virtualServices])
        server.apply(.services, try KubernetesFixture.object("service-reviews"))
        let sleeper = SleepRecorder()
        try await withKubernetesSource(server: server, kinds: [.services, .virtualServices], sleeper: sleeper) { recorder, url in
            try await eventually("ready") { recorder.syncedAfter != nil }
            try await eventually("retried a few times") { server.requests(for: .virtualServices, watch: false).count >= 3 }
            let unreadable = recorder.lines.filter { $0.hasPrefix("unreadable") }
            #expect(unreadable == [
                "unreadable \(url) does not serve virtualservices.networking.istio.io/v1 (is the VirtualService.networking.istio.io CRD installed?); the other kinds are unaffected, and it is tried again every 30.0 seconds"
            ])
            #expect(recorder.lines.contains("replaceAll VirtualService []"))
            #expect(recorder.lines.contains("replaceAll Service [bookinfo/reviews]"))
            #expect(sleeper.recorded.allSatisfy { $0 == .seconds(30) })
            // The services watch works meanwhile.
            server.delete(.services, namespace: "bookinfo", name: "reviews")
            try await eventually("the delete arrives") { recorder.lines.contains("delete Service bookinfo/reviews") }
            // Installing the CRD later brings its objects in.
            server.apply(.virtualServices, try KubernetesFixture.object("virtualservice-reviews"))
            server.setInstalled(.virtualServices, true)
            try await eventually("the VirtualService arrives") {
                recorder.lines.contains("replaceAll VirtualService [bookinfo/reviews]")
            }
            #expect(recorder.lines.filter { $0.hasPrefix("unreadable") }.count == 1)
        }
    }

    @Test func rotatedTokenIsPickedUp() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("token-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let tokenFile = directory.appendingPathComponent("token")
        try "token-1\n".write(to: tokenFile, atomically: true, encoding: .utf8)
        let server = StandInAPIServer([.services])
        server.accept(tokens: ["token-1"])
        try await withKubernetesSource(
            server: server, kinds: [.services], bearerToken: .file(path: tokenFile.path)
        ) { recorder, _ in
            try await eventually("the watch is open") { server.openWatchCount(.services) == 1 }
            #expect(server.requests.allSatisfy { $0.authorization == "Bearer token-1" })
            // The kubelet rotates the token; the server stops accepting the old one.
            try "token-2\n".write(to: tokenFile, atomically: true, encoding: .utf8)
            server.accept(tokens: ["token-2"])
            server.dropWatches(.services)
            try await eventually("the watch reopens with the new token") { server.openWatchCount(.services) == 1 }
            #expect(server.requests(for: .services, watch: true).last?.authorization == "Bearer token-2")
            let added = server.apply(.services, KubernetesFixture.make(.services, namespace: "a", name: "after"))
            try await eventually("changes flow again") { recorder.lines.last == "upsert Service a/after@\(added)" }
        }
    }

    @Test func namespaceSelectorFiltersAndFollowsLabelChanges() async throws {
        let server = StandInAPIServer([.namespaces, .services, .nodes])
        server.apply(.namespaces, try KubernetesFixture.object("namespace-bookinfo"))
        server.apply(.namespaces, KubernetesFixture.make(.namespaces, namespace: nil, name: "other"))
        server.apply(.services, try KubernetesFixture.object("service-reviews"))
        let db = server.apply(.services, KubernetesFixture.make(.services, namespace: "other", name: "db"))
        server.apply(.nodes, KubernetesFixture.make(.nodes, namespace: nil, name: "kind-control-plane"))
        let selector = KubernetesNamespaceSelector([.init(matchLabels: ["istio-injection": "enabled"])])
        // Namespaces are watched for their labels though not asked for.
        try await withKubernetesSource(server: server, kinds: [.services, .nodes], namespaceSelector: selector) {
            recorder, _ in
            try await eventually("ready") { recorder.syncedAfter != nil }
            #expect(Set(recorder.lines) == ["replaceAll Service [bookinfo/reviews]", "replaceAll Node [kind-control-plane]"])
            try await eventually("the namespaces watch is open") { server.openWatchCount(.namespaces) == 1 }
            try await eventually("the services watch is open") { server.openWatchCount(.services) == 1 }

            // A change in an unselected namespace is not seen.
            let cache = server.apply(.services, KubernetesFixture.make(.services, namespace: "other", name: "cache"))
            // "other" is labelled: its services appear.
            server.apply(.namespaces, KubernetesFixture.make(.namespaces, namespace: nil, name: "other", labels: ["istio-injection": "enabled"]))
            try await eventually("other's services appear") { recorder.events.count == 4 }
            // In either order: the cache Service may reach the source before or after the label.
            #expect(recorder.lines.suffix(2).sorted() == [
                "upsert Service other/cache@\(cache)", "upsert Service other/db@\(db)",
            ])
            // "bookinfo" loses its label: its services go.
            var bookinfo = try KubernetesFixture.object("namespace-bookinfo")
            var metadata = bookinfo["metadata"] as! [String: Any]
            metadata["labels"] = ["kubernetes.io/metadata.name": "bookinfo"]
            bookinfo["metadata"] = metadata
            server.apply(.namespaces, bookinfo)
            try await eventually("bookinfo's services go") { recorder.lines.last == "delete Service bookinfo/reviews" }
            #expect(!recorder.lines.contains { $0.contains("Namespace") })
        }
    }

    @Test func silentWatchIsClosedAndReopenedFromItsResourceVersion() async throws {
        let server = StandInAPIServer([.services])
        let sleeper = SleepRecorder()
        try await withKubernetesSource(
            // Bookmarks every 300 ms against a 4 s limit: only a 3.7 s stall of a loaded
            // machine could make the live watch look silent (2 s was seen in CI).
            server: server, kinds: [.services], sleeper: sleeper, watchIdleTimeout: .seconds(4)
        ) { recorder, _ in
            try await eventually("the watch is open") { server.openWatchCount(.services) == 1 }
            // Bookmarks are activity: a watch that gets them is left alone.
            var bookmarked = 0
            for _ in 0..<20 {
                bookmarked = server.bookmark(.services)
                try await Task.sleep(for: .milliseconds(300))
            }
            #expect(server.requests(for: .services, watch: true).count == 1)
            // Then the connection goes quiet, as a half-dead one does: no event, no end.
            try await eventually("the silent watch is replaced") {
                server.requests(for: .services, watch: true).count >= 2
            }
            let watches = server.requests(for: .services, watch: true)
            #expect(watches[1].query["resourceVersion"] == String(bookmarked))
            // No list, no backoff: the new watch simply carries on.
            #expect(server.requests(for: .services, watch: false).count == 1)
            #expect(sleeper.recorded.isEmpty)
            let added = server.apply(.services, KubernetesFixture.make(.services, namespace: "a", name: "after"))
            try await eventually("changes flow on the new watch") { recorder.lines.last == "upsert Service a/after@\(added)" }
        }
    }
}
