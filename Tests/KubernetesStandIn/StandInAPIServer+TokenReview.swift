import Foundation
import Hummingbird

/// `POST /apis/authentication.k8s.io/v1/tokenreviews` as the real server answers it:
/// 201 with the TokenReview, its `status` saying whether the token is authenticated,
/// as whom, for which audiences, or the `error` why not.
extension StandInAPIServer {
    /// What the server knows of a token it is asked to review.
    public struct ReviewedToken: Sendable {
        public var username: String
        public var groups: [String]
        /// The audiences the token was issued for.
        public var audiences: [String]

        public init(username: String, groups: [String], audiences: [String]) {
            self.username = username
            self.groups = groups
            self.audiences = audiences
        }

        /// A service account's projected token.
        public static func serviceAccount(
            namespace: String, name: String, audiences: [String] = ["istio-ca"]
        ) -> ReviewedToken {
            ReviewedToken(
                username: "system:serviceaccount:\(namespace):\(name)",
                groups: ["system:serviceaccounts", "system:serviceaccounts:\(namespace)", "system:authenticated"],
                audiences: audiences)
        }
    }

    /// TokenReview authenticates `token` as `identity` from now on.
    public func review(token: String, as identity: ReviewedToken) {
        state.withLock { $0.reviewedTokens[token] = identity }
    }

    /// With false, TokenReview answers as a server that ignores `spec.audiences`: it
    /// authenticates a token for any audience and reports the token's own.
    public func checkTokenAudiences(_ checks: Bool) {
        state.withLock { $0.checksTokenAudiences = checks }
    }

    func reviewToken(_ body: Data) -> Response {
        let request = Self.parse(body)
        let spec = request["spec"] as? [String: Any] ?? [:]
        let token = spec["token"] as? String ?? ""
        let requested = spec["audiences"] as? [String] ?? []
        let (identity, checksAudiences) = state.withLock { ($0.reviewedTokens[token], $0.checksTokenAudiences) }
        var status: [String: Any] = ["user": [String: Any]()]
        if let identity {
            let granted = requested.isEmpty ? identity.audiences : identity.audiences.filter(requested.contains)
            if checksAudiences, granted.isEmpty {
                status["error"] =
                    "[invalid bearer token, token audiences \(Self.quotedList(identity.audiences)) is invalid for the target audiences \(Self.quotedList(requested)), unknown]"
            } else {
                status = [
                    "authenticated": true,
                    "user": [
                        "username": identity.username, "uid": UUID().uuidString.lowercased(), "groups": identity.groups,
                    ],
                    "audiences": checksAudiences ? granted : identity.audiences,
                ]
            }
        } else {
            status["error"] = "[invalid bearer token, token lookup failed]"
        }
        return Self.json(
            201,
            [
                "kind": "TokenReview", "apiVersion": "authentication.k8s.io/v1",
                "metadata": ["creationTimestamp": NSNull()], "spec": spec, "status": status,
            ])
    }

    private static func quotedList(_ items: [String]) -> String {
        "[" + items.map { "\"\($0)\"" }.joined(separator: " ") + "]"
    }
}

/// A fieldSelector of `metadata.name=…` and `metadata.namespace=…` terms (comma
/// separated), the ones the API server supports on every kind, and `type=…` /
/// `type!=…`, which it supports on Secrets.
struct FieldSelector: Sendable {
    var name: String?
    var namespace: String?
    var type: String?
    var notTypes: [String] = []

    init?(_ text: String?) {
        guard let text, !text.isEmpty else { return nil }
        for term in text.split(separator: ",") {
            if let range = term.range(of: "!=") {
                if term[..<range.lowerBound] == "type" { notTypes.append(String(term[range.upperBound...])) }
                continue
            }
            let pair = term.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { continue }
            switch pair[0] {
            case "metadata.name": name = pair[1]
            case "metadata.namespace": namespace = pair[1]
            case "type": type = pair[1]
            default: continue
            }
        }
    }

    /// Whether the object stored under `key` (`namespace/name`) matches; `object`
    /// is read only when a `type` term needs it.
    func matches(key: String, object: () -> [String: Any]) -> Bool {
        let parts = key.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2 else { return false }
        guard (name == nil || parts[1] == name) && (namespace == nil || parts[0] == namespace) else { return false }
        guard type != nil || !notTypes.isEmpty else { return true }
        let objectType = object()["type"] as? String ?? ""
        return (type == nil || objectType == type) && !notTypes.contains(objectType)
    }
}
