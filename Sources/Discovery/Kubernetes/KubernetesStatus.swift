import Foundation

/// The API server's `Status` object: what it sends with an error response and inside a
/// watch `ERROR` event (`{"kind":"Status","status":"Failure","reason":"Expired","code":410,...}`).
struct KubernetesStatus: Decodable, Sendable, Hashable {
    var status: String?
    var message: String?
    var reason: String?
    var code: Int?
}

/// A request the API server answered with an error status.
public struct KubernetesAPIError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The HTTP status, or the Status object's `code` for a watch `ERROR` event.
    public var code: Int
    /// The Status object's `reason`, such as `Expired`, `NotFound`, `Unauthorized`.
    public var reason: String?
    public var message: String?
    /// The request path, for messages.
    public var path: String

    public init(code: Int, reason: String?, message: String?, path: String) {
        self.code = code
        self.reason = reason
        self.message = message
        self.path = path
    }

    init(status: KubernetesStatus, httpStatus: Int?, path: String) {
        self.init(code: status.code ?? httpStatus ?? 500, reason: status.reason, message: status.message, path: path)
    }

    /// The resourceVersion (or continue token) asked for is older than the server keeps:
    /// the only way on is a fresh list.
    public var isGone: Bool { code == 410 || reason == "Expired" || reason == "Gone" }

    /// The resource is not served: for a custom resource, its CRD is not installed.
    public var isNotFound: Bool { code == 404 }

    public var description: String {
        var text = "\(path): \(code)"
        if let reason, !reason.isEmpty { text += " \(reason)" }
        if let message, !message.isEmpty { text += ": \(message)" }
        return text
    }
}
