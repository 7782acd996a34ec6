import AsyncHTTPClient
public import Foundation
import NIOCore
import NIOHTTP1

/// What the API server answered to a single-object request: any status, with its body,
/// so callers can tell 404 (absent) and 409 (exists, or stale resourceVersion) apart
/// from failures.
public struct KubernetesResponse: Sendable {
    /// The HTTP status.
    public var status: Int
    /// The body as sent: the object, or a `Status` for an error.
    public var body: Data

    public init(status: Int, body: Data) {
        self.status = status
        self.body = body
    }

    /// Whether the status is 2xx.
    public var succeeded: Bool { (200..<300).contains(status) }

    /// The error this response stands for, with the Status object's reason and message.
    public func error(path: String) -> KubernetesAPIError {
        let decoded = try? JSONDecoder().decode(KubernetesStatus.self, from: body)
        return KubernetesAPIError(
            code: status, reason: decoded?.reason ?? HTTPResponseStatus(statusCode: status).reasonPhrase,
            message: decoded?.message, path: path)
    }
}

extension KubernetesAPIError {
    /// `409`: the object already exists (create) or changed since it was read (replace).
    public var isConflict: Bool { code == 409 }
}

extension KubernetesClient {
    /// One request with the read path's credentials (bearer token, TLS, client
    /// certificate); the status is returned, not thrown. Only the transport throws.
    func exchange(_ method: HTTPMethod, path: String, json: Data?, timeout: Duration) async throws
        -> KubernetesResponse
    {
        var request = HTTPClientRequest(url: connection.server + path)
        request.method = method
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "controld")
        if let token = try token.current() {
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
        }
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: json))
        }
        let (seconds, attoseconds) = timeout.components
        let deadline = NIODeadline.now() + .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        let response = try await http.execute(request, deadline: deadline, logger: logger)
        let body = try await response.body.collect(upTo: 16 << 20)
        return KubernetesResponse(status: Int(response.status.code), body: Data(body.readableBytesView))
    }
}
