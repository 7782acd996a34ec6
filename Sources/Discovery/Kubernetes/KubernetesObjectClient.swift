import AsyncHTTPClient
public import Foundation
public import Logging

/// Reads and writes single objects by JSON (GET, POST, PUT) on one API server, with
/// the connection's credentials and TLS, as the CA needs for its Secret, the trust
/// bundle ConfigMaps and TokenReviews. The list/watch source is separate and untouched.
///
/// It holds one HTTP connection pool: call ``shutdown()`` once nothing uses it any more.
public struct KubernetesObjectClient: Sendable {
    let client: KubernetesClient
    /// How long one request may take, connection included.
    public var timeout: Duration

    /// A client for `connection`; throws a ``KubernetesConfigError`` for credentials that
    /// do not parse.
    public init(
        connection: KubernetesConnection, timeout: Duration = .seconds(10),
        logger: Logger = Logger(label: "controld.kubernetes.writes")
    ) throws {
        var configuration = HTTPClient.Configuration(
            tlsConfiguration: try connection.makeTLSConfiguration(),
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(10))
        )
        configuration.decompression = .disabled
        let http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        client = KubernetesClient(
            http: http, connection: connection, token: KubernetesTokenSource(connection.bearerToken), pageSize: 1,
            logger: logger)
        self.timeout = timeout
    }

    /// The API server's base URL, for messages.
    public var server: String { client.connection.server }

    /// GET one object: 200 with it, or 404.
    public func get(_ path: String) async throws -> KubernetesResponse {
        try await client.exchange(.GET, path: path, json: nil, timeout: timeout)
    }

    /// POST `json` to a collection: 201 with the stored object (its resourceVersion set),
    /// or 409 AlreadyExists.
    public func create(_ json: Data, in collectionPath: String) async throws -> KubernetesResponse {
        try await client.exchange(.POST, path: collectionPath, json: json, timeout: timeout)
    }

    /// PUT `json` (carrying the resourceVersion it was read at) over the object at
    /// `path`: 200 with the stored object, or 409 Conflict when it changed meanwhile.
    public func replace(_ json: Data, at path: String) async throws -> KubernetesResponse {
        try await client.exchange(.PUT, path: path, json: json, timeout: timeout)
    }

    /// Closes the connection pool; requests after this fail.
    public func shutdown() async {
        try? await client.http.shutdown()
    }
}
