import Foundation

import Hummingbird
import NIOCore

public import Discovery

/// Single-object requests as the real API server answers them: GET an object (200, or
/// 404 NotFound Status), POST to create (201 with the stored object at a new
/// resourceVersion, or 409 AlreadyExists), PUT to replace (200; 409 Conflict when the
/// body's resourceVersion is stale; 404 when absent). Writes reach open watches as
/// ADDED and MODIFIED events.
extension StandInAPIServer {
    /// The stored object `namespace/name` of `type`, as the server would return it.
    public func object(_ type: KubernetesResourceType, namespace: String?, name: String) -> [String: Any]? {
        let json = state.withLock { $0.collections[type.collectionPath]?.objects["\(namespace ?? "")/\(name)"]?.json }
        return json.map(Self.parse)
    }

    /// Every stored object of `type`, by `namespace/name`.
    public func objects(_ type: KubernetesResourceType) -> [String: [String: Any]] {
        let stored = state.withLock { $0.collections[type.collectionPath]?.objects ?? [:] }
        return stored.mapValues { Self.parse($0.json) }
    }

    /// The requests made with `method` to paths starting with `prefix`.
    public func requests(method: String, pathPrefix prefix: String) -> [RecordedRequest] {
        requests.filter { $0.method == method && $0.path.hasPrefix(prefix) }
    }

    /// `namespace/name` of an object's JSON, as objects are keyed.
    static func key(of json: Data) -> String {
        let metadata = parse(json)["metadata"] as? [String: Any] ?? [:]
        return "\(metadata["namespace"] as? String ?? "")/\(metadata["name"] as? String ?? "")"
    }

    /// Where a single-object path points: the kind's collection, and the namespace and name.
    private struct ObjectPath {
        var collectionPath: String
        var namespace: String?
        var name: String?
    }

    /// `/api/v1/namespaces/NS/PLURAL[/NAME]`, `/api/v1/PLURAL/NAME`, and the same under `/apis/G/V`.
    private static func objectPath(_ path: String) -> ObjectPath? {
        let parts = path.split(separator: "/").map(String.init)
        let prefixLength: Int
        switch parts.first {
        case "api": prefixLength = 2
        case "apis": prefixLength = 3
        default: return nil
        }
        guard parts.count > prefixLength else { return nil }
        let prefix = "/" + parts[0..<prefixLength].joined(separator: "/")
        let rest = Array(parts[prefixLength...])
        switch rest.count {
        case 2:
            // A cluster-scoped object, such as /api/v1/namespaces/NAME.
            return ObjectPath(collectionPath: "\(prefix)/\(rest[0])", namespace: nil, name: rest[1])
        case 3 where rest[0] == "namespaces":
            return ObjectPath(collectionPath: "\(prefix)/\(rest[2])", namespace: rest[1], name: nil)
        case 4 where rest[0] == "namespaces":
            return ObjectPath(collectionPath: "\(prefix)/\(rest[2])", namespace: rest[1], name: rest[3])
        default:
            return nil
        }
    }

    func respondToObjectRequest(method: HTTPRequest.Method, path: String, body: Data) -> Response {
        if method == .post, path == KubernetesResourceType.tokenReviews.collectionPath {
            return reviewToken(body)
        }
        guard let target = Self.objectPath(path),
            let collection = state.withLock({ $0.collections[target.collectionPath] }), collection.installed
        else {
            return Self.status(code: 404, reason: "NotFound", message: "the server could not find the requested resource")
        }
        let type = collection.type
        switch (method, target.name) {
        case (.get, let name?):
            guard let object = object(type, namespace: target.namespace, name: name) else {
                return Self.notFound(type, name)
            }
            return Self.json(200, object)
        case (.post, nil):
            return create(type, in: target.namespace, body: body)
        case (.put, let name?):
            return replace(type, namespace: target.namespace, name: name, body: body)
        default:
            return Self.status(
                code: 405, reason: "MethodNotAllowed", message: "the server does not allow this method on the requested resource")
        }
    }

    private func create(_ type: KubernetesResourceType, in namespace: String?, body: Data) -> Response {
        let object = Self.parse(body)
        var metadata = object["metadata"] as? [String: Any] ?? [:]
        guard let name = metadata["name"] as? String, !name.isEmpty else {
            return Self.status(code: 422, reason: "Invalid", message: "\(type.kind) \"\": name: Required value")
        }
        if let namespace {
            if let given = metadata["namespace"] as? String, given != namespace {
                return Self.status(
                    code: 400, reason: "BadRequest",
                    message: "the namespace of the provided object does not match the namespace sent on the request")
            }
            metadata["namespace"] = namespace
        }
        let key = "\(namespace ?? "")/\(name)"
        var stored: Data?
        _ = write(type) { state, resourceVersion in
            guard state.collections[type.collectionPath]?.objects[key] == nil else { return nil }
            metadata["resourceVersion"] = String(resourceVersion)
            metadata["uid"] = UUID().uuidString.lowercased()
            metadata["creationTimestamp"] = Self.timestamp()
            stored = Self.store(object, metadata: metadata, as: type, key: key, in: &state)
            return ("ADDED", stored!)
        }
        guard let stored else {
            return Self.status(
                code: 409, reason: "AlreadyExists", message: "\(type.plural) \"\(name)\" already exists",
                details: ["name": name, "kind": type.plural])
        }
        return Self.json(201, Self.parse(stored))
    }

    private func replace(_ type: KubernetesResourceType, namespace: String?, name: String, body: Data) -> Response {
        let object = Self.parse(body)
        var metadata = object["metadata"] as? [String: Any] ?? [:]
        let key = "\(namespace ?? "")/\(name)"
        enum Refusal { case missing, stale }
        var refusal: Refusal?
        var stored: Data?
        _ = write(type) { state, resourceVersion in
            guard let current = state.collections[type.collectionPath]?.objects[key] else {
                refusal = .missing
                return nil
            }
            let currentMetadata = Self.parse(current.json)["metadata"] as? [String: Any] ?? [:]
            if let given = metadata["resourceVersion"] as? String,
                given != currentMetadata["resourceVersion"] as? String
            {
                refusal = .stale
                return nil
            }
            metadata["resourceVersion"] = String(resourceVersion)
            metadata["uid"] = currentMetadata["uid"]
            metadata["creationTimestamp"] = currentMetadata["creationTimestamp"]
            metadata["name"] = name
            if let namespace { metadata["namespace"] = namespace }
            stored = Self.store(object, metadata: metadata, as: type, key: key, in: &state)
            return ("MODIFIED", stored!)
        }
        switch refusal {
        case .missing:
            return Self.notFound(type, name)
        case .stale:
            return Self.status(
                code: 409, reason: "Conflict",
                message: "Operation cannot be fulfilled on \(type.plural) \"\(name)\": the object has been modified; "
                    + "please apply your changes to the latest version and try again",
                details: ["name": name, "kind": type.plural])
        case nil:
            return Self.json(200, Self.parse(stored ?? Data()))
        }
    }

    /// Stores `object` with `metadata` under `key`, as the server returns it (apiVersion and kind set).
    private static func store(
        _ object: [String: Any], metadata: [String: Any], as type: KubernetesResourceType, key: String,
        in state: inout State
    ) -> Data {
        var object = object
        object["metadata"] = metadata
        object["apiVersion"] = type.apiVersion
        object["kind"] = type.kind
        let json = serialize(object)
        state.collections[type.collectionPath]?.objects[key] = Stored(key: key, json: json)
        return json
    }

    private static func notFound(_ type: KubernetesResourceType, _ name: String) -> Response {
        status(
            code: 404, reason: "NotFound", message: "\(type.plural) \"\(name)\" not found",
            details: ["name": name, "kind": type.plural])
    }

    static func json(_ code: Int, _ object: [String: Any]) -> Response {
        Response(
            status: HTTPResponse.Status(code: code), headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: serialize(object))))
    }

    private static func timestamp() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date())
    }
}
