import Foundation
import GRPCCore
import Logging
import Metrics
import Synchronization

/// The mesh-agnostic xDS server: it owns connections, subscriptions, versions, nonces
/// and ACK/NACK tracking, and asks a `ResourceProvider` what to serve.
///
/// The gRPC services (`AggregatedDiscoveryService`, `SecretDiscoveryService`) are thin
/// adapters over `serve`; pushes come in through `push(_:)`.
public final class XDSServer: Sendable {
    let provider: any ResourceProvider
    let logger: Logger
    let metrics: XDSMetrics
    /// The most requests a client may have waiting unprocessed before its stream is
    /// closed; an honest proxy has a handful at most.
    static let maxQueuedRequests = 64

    /// Sent as `control_plane.identifier` in every response.
    let controlPlaneIdentifier: String
    private let connections = Mutex<[String: XDSConnection]>([:])
    private let counter = Atomic<UInt64>(0)

    public init(
        provider: any ResourceProvider,
        identifier: String = "controld",
        logger: Logger = Logger(label: "controld.xds"),
        metricsFactory: any MetricsFactory = MetricsSystem.factory
    ) {
        self.provider = provider
        self.metrics = XDSMetrics(factory: metricsFactory)
        self.controlPlaneIdentifier = identifier
        self.logger = logger
    }

    /// Brings the selected proxies up to date. Returns at once: each connection merges
    /// the request into its pending push and works on it in its own task.
    /// - Returns: how many connections the push was queued on.
    @discardableResult
    public func push(_ request: PushRequest) -> Int {
        let targets = connections.withLock { Array($0.values) }.filter { request.selects($0.proxy) }
        for connection in targets {
            connection.enqueue(request)
        }
        return targets.count
    }

    /// Ends every open stream, for a shutdown: proxies reconnect and keep their
    /// configuration meanwhile.
    public func closeAllStreams() {
        for connection in allConnections {
            connection.close()
        }
    }

    /// The number of open streams.
    public var connectionCount: Int { connections.withLock { $0.count } }

    /// A unique nonce: a random prefix per process would do, but a counter makes
    /// nonces easy to follow in logs.
    func nextNonce() -> String {
        let value = counter.add(1, ordering: .relaxed).newValue
        return String(value, radix: 36) + "-" + String(UInt32.random(in: .min ... .max), radix: 36)
    }

    private func register(_ connection: XDSConnection) {
        let version = connection.proxy.metadata.istioVersion ?? "unknown"
        let count = connections.withLock { connections in
            connections[connection.id] = connection
            return connections.values.count { ($0.proxy.metadata.istioVersion ?? "unknown") == version }
        }
        metrics.connectedProxies(version: version, count: count)
    }

    private func unregister(_ connection: XDSConnection) {
        let version = connection.proxy.metadata.istioVersion ?? "unknown"
        let count = connections.withLock { connections in
            connections[connection.id] = nil
            return connections.values.count { ($0.proxy.metadata.istioVersion ?? "unknown") == version }
        }
        metrics.connectedProxies(version: version, count: count)
    }

    var allConnections: [XDSConnection] {
        connections.withLock { Array($0.values) }.sorted { $0.id < $1.id }
    }

    /// Whether a request's type is served on this stream (`only` limits a
    /// single-type service such as SDS); other types get no answer.
    func serves(_ type: TypeURL, only: TypeURL?, on connection: XDSConnection) -> Bool {
        guard provider.typeURLs.contains(type), only == nil || only == type else {
            logger.debug(
                "request for a type that is not served",
                metadata: ["connection": "\(connection.id)", "type": "\(type)"]
            )
            return false
        }
        return true
    }

    /// The provider's resources for one stream, or nil when it failed or has nothing
    /// to serve yet: a failure is logged and counted, and the stream keeps what it has.
    func generate(_ type: TypeURL, names: Set<String>?, for connection: XDSConnection) async -> [XDSResource]? {
        guard provider.isReady(type, for: connection.proxy) else { return nil }
        do {
            return try await provider.resources(type, for: connection.proxy, names: names)
        } catch {
            metrics.internalError()
            logger.error(
                "generating resources failed",
                metadata: ["connection": "\(connection.id)", "type": "\(type)", "error": "\(error)"]
            )
            return nil
        }
    }

    private enum StreamEvent<Request: Sendable>: Sendable {
        case request(Request)
        case push
    }

    /// Runs one stream: identifies the client from its first request, then handles its
    /// requests and the pushes queued for it, one at a time, in arrival order.
    func serve<Request: Sendable, Handler: StreamHandler>(
        requests: RPCAsyncSequence<Request, any Error>,
        variant: XDSProtocolVariant,
        node: (Request) -> Envoy_Config_Core_V3_Node?,
        makeHandler: (XDSConnection) -> Handler
    ) async throws where Handler.Request == Request {
        var iterator = requests.makeAsyncIterator()
        guard let first = try await iterator.next() else { return }
        let proxy: ProxyNode
        do {
            guard let firstNode = node(first) else {
                throw ProxyNodeError("the first request has no node")
            }
            proxy = try ProxyNode(firstNode)
        } catch {
            logger.warning("refused xDS stream", metadata: ["reason": "\(error)"])
            throw RPCError(code: .invalidArgument, message: "invalid node: \(error)")
        }

        let (events, continuation) = AsyncStream<StreamEvent<Request>>.makeStream()
        let sequence = counter.add(1, ordering: .relaxed).newValue
        let connection = XDSConnection(
            id: "\(proxy.id)-\(sequence)",
            proxy: proxy,
            variant: variant,
            signal: { continuation.yield(.push) },
            close: { continuation.finish() }
        )
        let queued = QueuedRequests()
        let handler = makeHandler(connection)
        register(connection)
        logger.info(
            "xDS stream opened",
            metadata: ["proxy": "\(proxy.id)", "connection": "\(connection.id)", "protocol": "\(variant.rawValue)"]
        )
        defer {
            unregister(connection)
            logger.info("xDS stream closed", metadata: ["connection": "\(connection.id)"])
        }

        try await withThrowingTaskGroup(of: Void.self) { group in
            // The iterator moves into the reader task; nothing here uses it again.
            let reader = MovedIterator(iterator)
            group.addTask {
                var iterator = reader.iterator
                defer { continuation.finish() }
                queued.count.add(1, ordering: .relaxed)
                continuation.yield(.request(first))
                while let request = try await iterator.next() {
                    if queued.count.add(1, ordering: .relaxed).newValue > Self.maxQueuedRequests {
                        throw RPCError(
                            code: .resourceExhausted,
                            message: "more than \(Self.maxQueuedRequests) requests waiting; slow down"
                        )
                    }
                    continuation.yield(.request(request))
                }
            }
            group.addTask {
                var handler = handler
                for await event in events {
                    switch event {
                    case .request(let request):
                        queued.count.subtract(1, ordering: .relaxed)
                        try await handler.handle(request)
                    case .push:
                        if let pending = connection.takePending() {
                            try await handler.push(pending)
                        }
                    }
                }
            }
            // The first task to finish (client gone, write failed) ends the stream.
            defer { group.cancelAll() }
            try await group.next()
        }
    }
}

/// One stream's protocol logic, driven by the server's event loop.
protocol StreamHandler: Sendable {
    associatedtype Request: Sendable
    mutating func handle(_ request: Request) async throws
    mutating func push(_ pending: PendingPush) async throws
}

/// Requests read from a stream but not yet handled.
private final class QueuedRequests: Sendable {
    let count = Atomic<Int>(0)
}

/// Hands a stream's request iterator to the task that reads the rest of the stream.
/// Sound because the caller never touches the iterator after the move.
private struct MovedIterator<Iterator>: @unchecked Sendable {
    let iterator: Iterator
    init(_ iterator: Iterator) { self.iterator = iterator }
}
