import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Synchronization

/// Every object of one kind at one resourceVersion.
struct KubernetesList: Sendable {
    var objects: [KubernetesObject]
    /// Where a watch continues from.
    var resourceVersion: String
}

/// The few API calls the source makes (paginated list, watch), over AsyncHTTPClient,
/// always cluster-wide.
struct KubernetesClient: Sendable {
    let http: HTTPClient
    let connection: KubernetesConnection
    let token: KubernetesTokenSource
    let pageSize: Int
    let logger: Logger

    var location: SourceLocation { .kubernetes(server: connection.server) }

    /// Lists every object of `type`, page by page (`limit` and `continue`), at one
    /// consistent resourceVersion. An expired continue token is a `410` error: the caller
    /// starts over.
    func list(_ type: KubernetesResourceType) async throws -> KubernetesList {
        let parser = KubernetesObjectParser(type: type, location: location)
        var objects: [KubernetesObject] = []
        var continueToken: String? = nil
        repeat {
            var query = [("limit", String(pageSize))]
            if let continueToken { query.append(("continue", continueToken)) }
            if let fieldSelector = type.fieldSelector { query.append(("fieldSelector", fieldSelector)) }
            let path = type.collectionPath
            let response = try await send(path: path, query: query, deadline: .now() + .seconds(120))
            let body = try await response.body.collect(upTo: 512 << 20)
            let bytes = Array(body.readableBytesView)
            let members = try KubernetesJSONScanner.members(of: bytes)
            struct ListMetadata: Decodable {
                var resourceVersion: String?
                var `continue`: String?
            }
            let metadata = try members.first(where: { $0.key == "metadata" }).map {
                try JSONDecoder().decode(ListMetadata.self, from: Data(bytes[$0.value]))
            }
            if let items = members.first(where: { $0.key == "items" })?.value {
                for item in try KubernetesJSONScanner.elements(of: bytes, in: items) {
                    objects.append(try parser.object(from: bytes, in: item))
                }
            }
            guard let resourceVersion = metadata?.resourceVersion, !resourceVersion.isEmpty else {
                throw KubernetesProtocolError(description: "\(path): a list without metadata.resourceVersion")
            }
            continueToken = metadata?.continue.flatMap { $0.isEmpty ? nil : $0 }
            if continueToken == nil {
                return KubernetesList(objects: objects, resourceVersion: resourceVersion)
            }
        } while true
    }

    /// Watches `type` from `resourceVersion`, calling `onEvent` for each event in order,
    /// until the server ends the watch (after `timeoutSeconds`) or the connection drops
    /// (thrown). An HTTP error status is thrown as ``KubernetesAPIError``; a watch that
    /// sends no bytes at all for `idleTimeout` is closed and ``KubernetesWatchIdleError``
    /// thrown, since a connection that died silently would otherwise never end.
    func watch(
        _ type: KubernetesResourceType,
        from resourceVersion: String,
        timeoutSeconds: Int,
        idleTimeout: Duration,
        onEvent: (KubernetesWatchEvent) async throws -> Void
    ) async throws {
        let parser = KubernetesObjectParser(type: type, location: location)
        let query = [
            ("watch", "1"), ("allowWatchBookmarks", "true"), ("resourceVersion", resourceVersion),
            ("timeoutSeconds", String(timeoutSeconds)),
        ] + (type.fieldSelector.map { [("fieldSelector", $0)] } ?? [])
        // The server closes the watch after timeoutSeconds; the margin covers a slow close.
        let deadline = NIODeadline.now() + .seconds(Int64(timeoutSeconds) + 60)
        let response = try await send(path: type.collectionPath, query: query, deadline: deadline)
        // The body is read in a child task so a watchdog can end the stream when it goes
        // quiet; events are still handled here, in order, on the caller's task.
        let (chunks, continuation) = AsyncThrowingStream.makeStream(of: ByteBuffer.self)
        let lastActivity = KubernetesActivityClock()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                do {
                    for try await chunk in response.body {
                        lastActivity.touch()
                        continuation.yield(chunk)
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            group.addTask {
                while true {
                    let due = lastActivity.last + idleTimeout
                    try await Task.sleep(until: due, clock: .continuous)
                    if lastActivity.last + idleTimeout <= ContinuousClock.now {
                        continuation.finish(throwing: KubernetesWatchIdleError(idle: idleTimeout))
                        return
                    }
                }
            }
            defer { group.cancelAll() }
            var splitter = KubernetesLineSplitter()
            for try await chunk in chunks {
                for line in try splitter.append(chunk.readableBytesView) {
                    try await onEvent(try KubernetesWatchEvent(line: line, parser: parser))
                }
            }
            if let last = splitter.finish() {
                try await onEvent(try KubernetesWatchEvent(line: last, parser: parser))
            }
        }
    }

    /// A GET with credentials; any status but 200 is thrown with the server's Status message.
    private func send(path: String, query: [(String, String)], deadline: NIODeadline) async throws
        -> HTTPClientResponse
    {
        let queryText = query.map { "\($0.0)=\(Self.escape($0.1))" }.joined(separator: "&")
        var request = HTTPClientRequest(url: connection.server + path + "?" + queryText)
        request.method = .GET
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "controld")
        if let token = try token.current() {
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
        }
        let response = try await http.execute(request, deadline: deadline, logger: logger)
        guard response.status == .ok else {
            let body = try? await response.body.collect(upTo: 1 << 20)
            let status = body.flatMap { try? JSONDecoder().decode(KubernetesStatus.self, from: Data($0.readableBytesView)) }
            throw KubernetesAPIError(
                code: Int(response.status.code),
                reason: status?.reason ?? response.status.reasonPhrase,
                message: status?.message,
                path: path)
        }
        return response
    }

    private static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// Percent-encodes a query value: continue tokens are base64 (`+`, `/`, `=`).
    static func escape(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: unreserved) ?? value
    }
}

/// A watch was silent (no event, no bookmark) for longer than allowed and was closed.
struct KubernetesWatchIdleError: Error, CustomStringConvertible {
    var idle: Duration
    var description: String { "the watch sent nothing for \(idle)" }
}

/// When a watch last received bytes, shared between its reader and its watchdog.
final class KubernetesActivityClock: Sendable {
    private let instant = Mutex(ContinuousClock.now)

    func touch() { instant.withLock { $0 = ContinuousClock.now } }

    var last: ContinuousClock.Instant { instant.withLock { $0 } }
}
