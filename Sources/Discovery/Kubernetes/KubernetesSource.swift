import AsyncHTTPClient
import Logging
import NIOCore

/// The Kubernetes source: lists and watches every configured kind on one API server,
/// cluster-wide, and delivers ``SourceEvent``s of ``RawObject``s (JSON as the server sent
/// it, `location: .kubernetes(server:)`, with its resourceVersion) to a sink, in order.
///
/// Per kind: `.replaceAll(kinds: [kind], objects:)` after every (re-)list, then `.upsert`
/// and `.delete` from the watch. A kind the server does not serve (its CRD is not
/// installed) is reported once, as a log line and an `.unreadable` event naming it,
/// followed by `.replaceAll(kinds: [kind], objects: [])`; it is tried again every
/// ``KubernetesSourceOptions/missingKindRetryInterval``, and never stops the others.
///
/// ```swift
/// let source = KubernetesSource(connection: try .kubeconfig(path: path))
/// try await source.run(sink: { await store.apply($0) }, onSynced: { readiness.sourceReady("kubernetes") })
/// ```
public struct KubernetesSource: Sendable {
    public var connection: KubernetesConnection
    public var kinds: [KubernetesResourceType]
    /// Only namespaces it selects are seen (Istio's `discoverySelectors`); nil sees all.
    public var namespaceSelector: KubernetesNamespaceSelector?
    public var options: KubernetesSourceOptions

    public init(
        connection: KubernetesConnection,
        kinds: [KubernetesResourceType] = KubernetesResourceType.defaultKinds,
        namespaceSelector: KubernetesNamespaceSelector? = nil,
        options: KubernetesSourceOptions = KubernetesSourceOptions()
    ) {
        self.connection = connection
        self.kinds = kinds
        self.namespaceSelector = namespaceSelector
        self.options = options
    }

    /// Runs until the calling task is cancelled, then returns. `sink` receives every event
    /// in order (the next is not produced until it returns). `onSynced` is called once,
    /// when every kind has completed its first list (a kind not served counts: it is
    /// empty) and those events have gone to `sink`: the moment `/ready` may turn 200.
    /// Throws only for settings that cannot work at all (a certificate that does not parse).
    public func run(
        sink: (SourceEvent) async -> Void,
        onSynced: () async -> Void = {}
    ) async throws {
        var watched: [KubernetesResourceType] = []
        for type in kinds where !watched.contains(where: { $0.groupKind == type.groupKind }) {
            watched.append(type)
        }
        let emitted = Set(watched.map(\.groupKind))
        // Filtering needs the namespaces' labels even when Namespaces are not asked for.
        if namespaceSelector != nil, !emitted.contains(KubernetesView.namespaceKind) {
            watched.append(.namespaces)
        }

        var configuration = HTTPClient.Configuration(
            tlsConfiguration: try connection.makeTLSConfiguration(),
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(10))
        )
        // Every kind holds a watch open and may list at the same time; AsyncHTTPClient
        // would otherwise queue requests beyond 8 per host behind watches that never end.
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = max(8, 2 * watched.count + 2)
        configuration.decompression = .disabled
        let http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        let client = KubernetesClient(
            http: http, connection: connection, token: KubernetesTokenSource(connection.bearerToken),
            pageSize: options.pageSize, logger: options.logger)

        let (changes, continuation) = AsyncStream.makeStream(of: KubernetesChange.self)
        await withDiscardingTaskGroup { group in
            for type in watched {
                let informer = KubernetesInformer(
                    type: type, client: client, options: options, report: { continuation.yield($0) })
                group.addTask { await informer.run() }
            }
            var view = KubernetesView(selector: namespaceSelector, emitted: emitted, location: client.location)
            var synced = false
            // Ends when the task is cancelled.
            for await change in changes {
                for event in view.apply(change) {
                    await sink(event)
                }
                if !synced, view.listed.count == watched.count {
                    synced = true
                    options.logger.info(
                        "first list complete for every kind", metadata: ["server": "\(connection.server)"])
                    await onSynced()
                }
            }
            group.cancelAll()
        }
        continuation.finish()
        // Shut down even when cancelled: an HTTPClient must not be dropped while running.
        try? await http.shutdown()
    }
}
