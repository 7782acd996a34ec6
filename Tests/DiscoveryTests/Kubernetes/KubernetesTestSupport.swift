import Foundation
import KubernetesStandIn
import Logging
import Synchronization
import Testing

@testable import Discovery

/// Fixtures: objects as `kubectl get -o json` shows them.
enum KubernetesFixture {
    static func data(_ name: String) throws -> Data {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures"))
        return try Data(contentsOf: url)
    }

    static func object(_ name: String) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: data("\(name).json")) as? [String: Any])
    }

    /// A small object in the real shape (uid, creationTimestamp, generation, managedFields).
    static func make(
        _ type: KubernetesResourceType, namespace: String?, name: String, labels: [String: String] = [:],
        spec: [String: Any] = [:]
    ) -> [String: Any] {
        var metadata: [String: Any] = [
            "name": name,
            "uid": UUID().uuidString.lowercased(),
            "creationTimestamp": "2025-03-14T09:26:53Z",
            "generation": 1,
            "labels": labels,
            "managedFields": [
                [
                    "apiVersion": type.apiVersion, "fieldsType": "FieldsV1", "manager": "kubectl-client-side-apply",
                    "operation": "Update", "time": "2025-03-14T09:26:53Z",
                    "fieldsV1": ["f:spec": [".": [String: Any]()]],
                ] as [String: Any]
            ],
        ]
        if let namespace { metadata["namespace"] = namespace }
        return ["apiVersion": type.apiVersion, "kind": type.kind, "metadata": metadata, "spec": spec]
    }
}

/// Collects what the source emits and lets a test wait for it.
final class EventRecorder: Sendable {
    private let state = Mutex<(events: [SourceEvent], syncedAfter: Int?)>(([], nil))

    func record(_ event: SourceEvent) {
        state.withLock { $0.events.append(event) }
    }

    func markSynced() {
        state.withLock { $0.syncedAfter = $0.events.count }
    }

    var events: [SourceEvent] { state.withLock { $0.events } }
    /// How many events had been delivered when `onSynced` ran; nil before.
    var syncedAfter: Int? { state.withLock { $0.syncedAfter } }

    /// The events as short lines: `replaceAll Service [bookinfo/a, bookinfo/b]`,
    /// `upsert Service bookinfo/a@1003`, `delete Service bookinfo/a`, `unreadable ...`.
    var lines: [String] { events.map(Self.line) }

    static func line(_ event: SourceEvent) -> String {
        switch event {
        case .replaceAll(let kinds, let objects):
            let kind = kinds.map(\.kind).sorted().joined(separator: ",")
            let names = objects.map { $0.key.namespace.isEmpty ? $0.key.name : "\($0.key.namespace)/\($0.key.name)" }
            return "replaceAll \(kind) [\(names.sorted().joined(separator: ", "))]"
        case .upsert(let object):
            let name = object.key.namespace.isEmpty ? object.key.name : "\(object.key.namespace)/\(object.key.name)"
            return "upsert \(object.key.kind) \(name)@\(object.resourceVersion ?? "-")"
        case .delete(let key, _):
            return "delete \(key.kind) \(key.namespace.isEmpty ? key.name : "\(key.namespace)/\(key.name)")"
        case .unreadable(_, let message):
            return "unreadable \(message)"
        }
    }
}

/// Records every delay the source asks for, and waits only a moment instead.
final class SleepRecorder: Sendable {
    private let delays = Mutex<[Duration]>([])

    var recorded: [Duration] { delays.withLock { $0 } }

    func sleep(_ delay: Duration) async throws {
        delays.withLock { $0.append(delay) }
        try await Task.sleep(for: .milliseconds(5))
    }
}

/// Polls `condition` until it holds; fails the test with `what` after `timeout`.
func eventually(
    _ what: String, timeout: Duration = .seconds(10), sourceLocation: Testing.SourceLocation = #_sourceLocation,
    _ condition: () async throws -> Bool
) async throws {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while clock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(10))
    }
    Issue.record("timed out waiting until \(what)", sourceLocation: sourceLocation)
    throw StandInError(description: "timed out waiting until \(what)")
}

/// Runs the stand-in server and a source against it, then stops both.
func withKubernetesSource(
    server: StandInAPIServer,
    kinds: [KubernetesResourceType],
    namespaceSelector: KubernetesNamespaceSelector? = nil,
    bearerToken: KubernetesConnection.BearerToken = .none,
    sleeper: SleepRecorder = SleepRecorder(),
    pageSize: Int = 500,
    watchIdleTimeout: Duration = .seconds(300),
    _ body: (EventRecorder, String) async throws -> Void
) async throws {
    let recorder = EventRecorder()
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await server.run() }
        let url = try await server.baseURL()
        let source = KubernetesSource(
            connection: KubernetesConnection(server: url, bearerToken: bearerToken, origin: "test"),
            kinds: kinds,
            namespaceSelector: namespaceSelector,
            options: KubernetesSourceOptions(
                pageSize: pageSize,
                watchTimeoutSeconds: 30...30,
                watchIdleTimeout: watchIdleTimeout,
                missingKindRetryInterval: .seconds(30),
                sleep: { try await sleeper.sleep($0) },
                random: { 0.5 },
                logger: {
                    var logger = Logger(label: "controld.discovery.kubernetes")
                    logger.logLevel = .error
                    return logger
                }()
            )
        )
        try await withThrowingTaskGroup(of: Void.self) { inner in
            inner.addTask {
                try await source.run(sink: { recorder.record($0) }, onSynced: { recorder.markSynced() })
            }
            do {
                try await body(recorder, url)
            } catch {
                inner.cancelAll()
                server.closeAllWatches()
                throw error
            }
            inner.cancelAll()
        }
        server.closeAllWatches()
        group.cancelAll()
    }
}
