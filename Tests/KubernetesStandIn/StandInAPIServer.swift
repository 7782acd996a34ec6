public import Foundation
import Hummingbird
import ServiceLifecycle
import NIOCore
import Logging
import Synchronization

public import Discovery

/// A stand-in Kubernetes API server on 127.0.0.1 that speaks the real wire format:
/// paginated lists (`limit`, `continue`, `metadata.resourceVersion`; built-in kinds'
/// items without apiVersion and kind, as the real server sends them), chunked watch
/// streams of newline-delimited events replayed from a resourceVersion, BOOKMARKs,
/// `410 Gone` Status objects, 404 for a resource that is not installed, 401 for a wrong
/// token, and watch connections dropped mid-stream on request. Single objects can be
/// read, created and replaced, and TokenReviews answered (StandInAPIServer+Objects.swift);
/// lists and watches honour a `metadata.name` / `metadata.namespace` fieldSelector.
public final class StandInAPIServer: Sendable {
    /// What a test reads back: every request as the server received it.
    public struct RecordedRequest: Sendable {
        public var path: String
        public var query: [String: String]
        public var authorization: String?
        /// GET, POST or PUT.
        public var method: String = "GET"
        public var isWatch: Bool { query["watch"] == "1" }
    }

    enum WatchOutput: Sendable {
        case bytes(Data)
        case drop
        case end
    }

    struct Stored: Sendable {
        var key: String
        var json: Data
    }

    struct Collection: Sendable {
        var type: KubernetesResourceType
        var installed: Bool
        var objects: [String: Stored] = [:]
        /// Every event so far, for watches that start from an older resourceVersion.
        var history: [(resourceVersion: Int, key: String, line: Data)] = []
        var watchers: [Int: AsyncStream<WatchOutput>.Continuation] = [:]
        /// Each watch's fieldSelector, when it has one.
        var watcherFilters: [Int: FieldSelector] = [:]
        /// Built-in kinds' list items leave out apiVersion and kind; custom resources keep them.
        var builtIn: Bool { type.group.isEmpty || type.group == "discovery.k8s.io" }
    }

    struct State: Sendable {
        var resourceVersion = 1000
        /// Watches from a resourceVersion below this get `410 Expired`.
        var oldestWatchable = 0
        var collections: [String: Collection] = [:]
        var requests: [RecordedRequest] = []
        var acceptedTokens: Set<String>? = nil
        var nextWatcherID = 0
        var port: Int? = nil
        /// TokenReview answers by token.
        var reviewedTokens: [String: ReviewedToken] = [:]
        /// Whether TokenReview honours `spec.audiences` (real servers do).
        var checksTokenAudiences = true
        /// Answers to give once, instead of the real one, by "METHOD path".
        var injected: [String: [(code: Int, reason: String)]] = [:]
    }

    let state = Mutex(State())

    public init(_ types: [KubernetesResourceType], notInstalled: [KubernetesResourceType] = []) {
        state.withLock { state in
            for type in types { state.collections[type.collectionPath] = Collection(type: type, installed: true) }
            // Secrets are served by every real API server; the CA keeps its root in one.
            if state.collections[KubernetesResourceType.secrets.collectionPath] == nil {
                state.collections[KubernetesResourceType.secrets.collectionPath] = Collection(
                    type: .secrets, installed: true)
            }
            for type in notInstalled {
                state.collections[type.collectionPath] = Collection(type: type, installed: false)
            }
        }
    }

    // MARK: What tests do

    public var requests: [RecordedRequest] { state.withLock { $0.requests } }
    public var currentResourceVersion: Int { state.withLock { $0.resourceVersion } }

    public func requests(for type: KubernetesResourceType, watch: Bool) -> [RecordedRequest] {
        requests.filter { $0.path == type.collectionPath && $0.isWatch == watch }
    }

    /// Only these bearer tokens are accepted from now on (nil: any request).
    public func accept(tokens: Set<String>?) {
        state.withLock { $0.acceptedTokens = tokens }
    }

    /// The next `method` request to `path` gets this error status instead of its real
    /// answer (several calls queue several answers).
    public func failOnce(_ method: String, _ path: String, code: Int, reason: String) {
        state.withLock { $0.injected["\(method) \(path)", default: []].append((code, reason)) }
    }

    public func setInstalled(_ type: KubernetesResourceType, _ installed: Bool) {
        state.withLock { $0.collections[type.collectionPath]?.installed = installed }
    }

    /// Creates or replaces an object (ADDED or MODIFIED), stamping a new resourceVersion.
    @discardableResult
    public func apply(_ type: KubernetesResourceType, _ object: [String: Any]) -> Int {
        var object = object
        var metadata = object["metadata"] as? [String: Any] ?? [:]
        let key = "\(metadata["namespace"] as? String ?? "")/\(metadata["name"] as? String ?? "")"
        return write(type) { state, resourceVersion in
            metadata["resourceVersion"] = String(resourceVersion)
            object["metadata"] = metadata
            let json = Self.serialize(object)
            let existed = state.collections[type.collectionPath]?.objects[key] != nil
            state.collections[type.collectionPath]?.objects[key] = Stored(key: key, json: json)
            return (existed ? "MODIFIED" : "ADDED", json)
        }
    }

    /// Deletes an object (DELETED carries its last state at a new resourceVersion).
    @discardableResult
    public func delete(_ type: KubernetesResourceType, namespace: String, name: String) -> Int {
        let key = "\(namespace)/\(name)"
        return write(type) { state, resourceVersion in
            guard let stored = state.collections[type.collectionPath]?.objects.removeValue(forKey: key) else {
                return nil
            }
            var object = Self.parse(stored.json)
            var metadata = object["metadata"] as? [String: Any] ?? [:]
            metadata["resourceVersion"] = String(resourceVersion)
            object["metadata"] = metadata
            return ("DELETED", Self.serialize(object))
        }
    }

    /// Sends a BOOKMARK at a new resourceVersion (as if other kinds had changed) to open watches.
    @discardableResult
    public func bookmark(_ type: KubernetesResourceType) -> Int {
        let (resourceVersion, watchers) = state.withLock { state in
            state.resourceVersion += 1
            return (state.resourceVersion, Array(state.collections[type.collectionPath]?.watchers.values ?? [:].values))
        }
        let object: [String: Any] = [
            "kind": type.kind, "apiVersion": type.apiVersion,
            "metadata": [
                "resourceVersion": String(resourceVersion),
                "annotations": ["k8s.io/initial-events-end": "true"],
            ],
        ]
        let line = Self.line(type: "BOOKMARK", object: Self.serialize(object))
        for watcher in watchers { watcher.yield(.bytes(line)) }
        return resourceVersion
    }

    /// Compacts history: watches from any resourceVersion seen so far get `410`, and open
    /// watches receive an ERROR event with the Status and are closed, as etcd compaction does.
    public func expire(_ type: KubernetesResourceType) {
        let (requested, watchers) = state.withLock { state in
            let requested = state.resourceVersion
            state.resourceVersion += 1
            state.oldestWatchable = state.resourceVersion
            let watchers = state.collections[type.collectionPath]?.watchers ?? [:]
            state.collections[type.collectionPath]?.watchers = [:]
            return (requested, Array(watchers.values))
        }
        let line = Self.line(type: "ERROR", object: Self.goneStatus(requested: requested, current: requested + 1))
        for watcher in watchers {
            watcher.yield(.bytes(line))
            watcher.yield(.end)
        }
    }

    /// Cuts open watch connections without finishing the chunked body.
    public func dropWatches(_ type: KubernetesResourceType) {
        let watchers = state.withLock { state in
            let watchers = state.collections[type.collectionPath]?.watchers ?? [:]
            state.collections[type.collectionPath]?.watchers = [:]
            return Array(watchers.values)
        }
        for watcher in watchers { watcher.yield(.drop) }
    }

    /// Writes these bytes, one write each, to every open watch of `type`: for events split
    /// across chunks or several in one.
    public func sendRaw(_ type: KubernetesResourceType, chunks: [Data]) {
        let watchers = state.withLock { Array($0.collections[type.collectionPath]?.watchers.values ?? [:].values) }
        for watcher in watchers {
            for chunk in chunks { watcher.yield(.bytes(chunk)) }
        }
    }

    /// Records a change without sending it, for tests that write the stream by hand.
    @discardableResult
    public func applySilently(_ type: KubernetesResourceType, _ object: [String: Any]) -> (resourceVersion: Int, line: Data) {
        var object = object
        var metadata = object["metadata"] as? [String: Any] ?? [:]
        let key = "\(metadata["namespace"] as? String ?? "")/\(metadata["name"] as? String ?? "")"
        return state.withLock { state in
            state.resourceVersion += 1
            metadata["resourceVersion"] = String(state.resourceVersion)
            object["metadata"] = metadata
            let json = Self.serialize(object)
            state.collections[type.collectionPath]?.objects[key] = Stored(key: key, json: json)
            return (state.resourceVersion, Self.line(type: "ADDED", object: json))
        }
    }

    public func openWatchCount(_ type: KubernetesResourceType) -> Int {
        state.withLock { $0.collections[type.collectionPath]?.watchers.count ?? 0 }
    }

    // MARK: Serving

    private static var quietLogger: Logger {
        var logger = Logger(label: "stand-in-api-server")
        logger.logLevel = .critical
        return logger
    }

    /// Serves until the task is cancelled.
    ///
    /// Cancellation shuts the server down gracefully (the listening socket closes
    /// first), then cuts what is left after a moment. Cancelling it outright could
    /// drop a connection NIO was accepting at that instant, which NIO treats as a
    /// fatal programming error ("Deinited NIOAsyncWriter without calling finish()"),
    /// and clients of the stand-in reconnect at exactly that time.
    public func run() async throws {
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(services: [makeApplication()], logger: Self.quietLogger))
        let serving = Task { try await group.run() }
        try await withTaskCancellationHandler {
            try await serving.value
        } onCancel: {
            Task {
                await group.triggerGracefulShutdown()
                try? await Task.sleep(for: .seconds(2))
                serving.cancel()
            }
        }
    }

    private func makeApplication() -> some ApplicationProtocol {
        let app = Application(
            responder: CallbackResponder { (request: Request, _: BasicRequestContext) in
                try await self.respond(to: request)
            },
            configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: nil),
            onServerRunning: { channel in
                self.state.withLock { $0.port = channel.localAddress?.port }
            },
            // Connections cut on purpose and cancelled at the end are expected here, not news.
            logger: Self.quietLogger
        )
        return app
    }

    /// Serves while `body` runs with the base URL, then ends every watch and stops.
    public func serving<Result: Sendable>(_ body: (_ baseURL: String) async throws -> Result) async throws -> Result {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.run() }
            defer {
                closeAllWatches()
                group.cancelAll()
            }
            return try await body(try await baseURL())
        }
    }

    /// A kubeconfig whose current context reaches `server` with bearer `token`, written
    /// to `directory`; returns its path.
    public static func writeKubeconfig(server: String, token: String, in directory: URL) throws -> String {
        let path = directory.appendingPathComponent("kubeconfig").path
        let text = """
            apiVersion: v1
            kind: Config
            current-context: stand-in
            clusters: [{name: stand-in, cluster: {server: "\(server)"}}]
            contexts: [{name: stand-in, context: {cluster: stand-in, user: controld}}]
            users: [{name: controld, user: {token: \(token)}}]
            """
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The server's base URL, once it listens.
    public func baseURL() async throws -> String {
        for _ in 0..<1000 {
            if let port = state.withLock({ $0.port }) { return "http://127.0.0.1:\(port)" }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw StandInError(description: "the stand-in API server did not start")
    }

    /// Ends every open watch cleanly, so the server can stop.
    public func closeAllWatches() {
        let watchers = state.withLock { state in
            var all: [AsyncStream<WatchOutput>.Continuation] = []
            for path in state.collections.keys {
                all += state.collections[path]!.watchers.values
                state.collections[path]!.watchers = [:]
            }
            return all
        }
        for watcher in watchers { watcher.finish() }
    }

    private func respond(to request: Request) async throws -> Response {
        let path = request.uri.path
        var query: [String: String] = [:]
        for (key, value) in request.uri.queryParameters { query[String(key)] = String(value) }
        let authorization = request.headers[.authorization]
        let method = request.method.rawValue
        let (collection, accepted, injected) = state.withLock { state in
            state.requests.append(
                RecordedRequest(path: path, query: query, authorization: authorization, method: method))
            let injected = state.injected["\(method) \(path)"]?.isEmpty == false
                ? state.injected["\(method) \(path)"]!.removeFirst() : nil
            let accepted = state.acceptedTokens.map { tokens in
                tokens.contains { "Bearer \($0)" == authorization }
            } ?? true
            return (state.collections[path], accepted, injected)
        }
        if let injected {
            return Self.status(code: injected.code, reason: injected.reason, message: "injected by the test")
        }
        guard accepted else {
            return Self.status(code: 401, reason: "Unauthorized", message: "Unauthorized")
        }
        if request.method != .get || collection == nil {
            let body = try await request.body.collect(upTo: 4 << 20)
            return respondToObjectRequest(method: request.method, path: path, body: Data(body.readableBytesView))
        }
        guard let collection, collection.installed else {
            return Self.status(
                code: 404, reason: "NotFound", message: "the server could not find the requested resource")
        }
        let selector = FieldSelector(query["fieldSelector"])
        if query["watch"] == "1" || query["watch"] == "true" {
            return watch(collection.type, from: Int(query["resourceVersion"] ?? "") ?? 0, selector: selector)
        }
        return list(collection.type, limit: Int(query["limit"] ?? ""), continue: query["continue"], selector: selector)
    }

    private func list(
        _ type: KubernetesResourceType, limit: Int?, continue token: String?, selector: FieldSelector?
    ) -> Response {
        let (collection, resourceVersion) = state.withLock { ($0.collections[type.collectionPath]!, $0.resourceVersion) }
        let sorted = collection.objects.values.filter { stored in
            selector?.matches(key: stored.key, object: { Self.parse(stored.json) }) ?? true
        }.sorted { $0.key < $1.key }
        var start = 0
        if let token, !token.isEmpty {
            guard let data = Data(base64Encoded: token),
                let decoded = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                let offset = decoded["start"] as? Int
            else {
                return Self.status(code: 400, reason: "BadRequest", message: "invalid continue token")
            }
            start = offset
        }
        let end = limit.map { min(start + $0, sorted.count) } ?? sorted.count
        var items: [[String: Any]] = []
        for stored in sorted[start..<end] {
            var item = Self.parse(stored.json)
            if collection.builtIn {
                item["apiVersion"] = nil
                item["kind"] = nil
            }
            items.append(item)
        }
        var metadata: [String: Any] = ["resourceVersion": String(resourceVersion)]
        if end < sorted.count {
            // Real continue tokens are base64 JSON too, which exercises query escaping ('=', '+', '/').
            let token = Self.serialize(["v": "meta.k8s.io/v1", "rv": resourceVersion, "start": end, "pad": "?>~"])
            metadata["continue"] = token.base64EncodedString()
        }
        let body: [String: Any] = [
            "kind": "\(type.kind)List", "apiVersion": type.apiVersion, "metadata": metadata, "items": items,
        ]
        return Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: Self.serialize(body))))
    }

    private func watch(_ type: KubernetesResourceType, from resourceVersion: Int, selector: FieldSelector?) -> Response {
        let (stream, continuation) = AsyncStream.makeStream(of: WatchOutput.self)
        let id = state.withLock { state -> Int in
            let id = state.nextWatcherID
            state.nextWatcherID += 1
            if resourceVersion < state.oldestWatchable {
                continuation.yield(
                    .bytes(
                        Self.line(
                            type: "ERROR",
                            object: Self.goneStatus(requested: resourceVersion, current: state.resourceVersion))))
                continuation.yield(.end)
                return id
            }
            for event in state.collections[type.collectionPath]!.history
            where event.resourceVersion > resourceVersion
                && (selector?.matches(key: event.key, object: { Self.eventObject(event.line) }) ?? true)
            {
                continuation.yield(.bytes(event.line))
            }
            state.collections[type.collectionPath]!.watchers[id] = continuation
            state.collections[type.collectionPath]!.watcherFilters[id] = selector
            return id
        }
        let path = type.collectionPath
        return Response(
            status: .ok,
            headers: [.contentType: "application/json", .transferEncoding: "chunked"],
            body: ResponseBody { writer in
                defer {
                    self.state.withLock {
                        $0.collections[path]?.watchers.removeValue(forKey: id)
                        $0.collections[path]?.watcherFilters.removeValue(forKey: id)
                    }
                }
                for await output in stream {
                    switch output {
                    case .bytes(let data):
                        try await writer.write(ByteBuffer(bytes: data))
                    case .drop:
                        throw StandInError(description: "connection dropped on purpose")
                    case .end:
                        try await writer.finish(nil)
                        return
                    }
                }
                try await writer.finish(nil)
            })
    }

    func write(
        _ type: KubernetesResourceType,
        _ change: (inout State, Int) -> (type: String, object: Data)?
    ) -> Int {
        let (resourceVersion, line, watchers) = state.withLock { state -> (Int, Data?, [AsyncStream<WatchOutput>.Continuation]) in
            state.resourceVersion += 1
            let resourceVersion = state.resourceVersion
            guard let (eventType, object) = change(&state, resourceVersion) else { return (resourceVersion, nil, []) }
            let line = Self.line(type: eventType, object: object)
            let key = Self.key(of: object)
            state.collections[type.collectionPath]?.history.append((resourceVersion, key, line))
            let collection = state.collections[type.collectionPath]
            let watchers = (collection?.watchers ?? [:]).filter { id, _ in
                collection?.watcherFilters[id]?.matches(key: key, object: { Self.parse(object) }) ?? true
            }
            return (resourceVersion, line, Array(watchers.values))
        }
        if let line {
            for watcher in watchers { watcher.yield(.bytes(line)) }
        }
        return resourceVersion
    }

    // MARK: Wire format

    /// The object inside a watch event line.
    static func eventObject(_ line: Data) -> [String: Any] {
        parse(line)["object"] as? [String: Any] ?? [:]
    }

    public static func line(type: String, object: Data) -> Data {
        var line = Data("{\"type\":\"\(type)\",\"object\":".utf8)
        line.append(object)
        line.append(contentsOf: Array("}\n".utf8))
        return line
    }

    public static func goneStatus(requested: Int, current: Int) -> Data {
        Data(
            """
            {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: \(requested) (\(current))","reason":"Expired","code":410}
            """.utf8)
    }

    static func status(code: Int, reason: String, message: String, details: [String: Any] = [:]) -> Response {
        let body = serialize([
            "kind": "Status", "apiVersion": "v1", "metadata": [String: Any](), "status": "Failure", "message": message,
            "reason": reason, "details": details, "code": code,
        ])
        return Response(
            status: HTTPResponse.Status(code: code), headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }

    public static func serialize(_ object: [String: Any]) -> Data {
        // Compact, like the API server's encoder; sorted keys keep test output stable.
        (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
    }

    public static func parse(_ data: Data) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
    }
}

/// A stand-in failure (a test timed out, a connection was cut on purpose).
public struct StandInError: Error, CustomStringConvertible {
    public var description: String

    public init(description: String) {
        self.description = description
    }
}
