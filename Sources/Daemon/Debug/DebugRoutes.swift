import Foundation
public import Hummingbird
public import XDS

/// `/debug/syncz` and `/debug/config_dump` on the monitoring port: what each proxy
/// was sent and acknowledged, read straight from the xDS server.
public enum DebugRoutes {
    static let jsonContentType = "application/json"

    /// Adds the debug routes answering from `server` to `router`.
    public static func add(to router: Router<BasicRequestContext>, server: XDSServer) {
        router.get("debug/syncz") { _, _ -> Response in
            json(.ok, try SyncStatusJSON.encode(server.syncStatus()))
        }
        router.get("debug/config_dump") { request, _ -> Response in
            guard let proxyID = request.uri.queryParameters.get("proxyID"), !proxyID.isEmpty else {
                return error(.badRequest, "the proxyID query parameter is required, as in /debug/config_dump?proxyID=ID")
            }
            // Both come from the same connection list, sorted the same way, so the
            // status picked here belongs to the connection whose resources are shown.
            guard let resources = server.sentResources(proxyID: proxyID) else {
                return error(.notFound, "no proxy \(proxyID) is connected")
            }
            let status = server.syncStatus().last { $0.proxyID == proxyID || $0.connectionID == proxyID }
            var sentAt: [TypeURL: Date] = [:]
            for type in status?.types ?? [] {
                sentAt[TypeURL(type.typeURL)] = type.sentAt
            }
            return json(.ok, try ConfigDumpJSON.render(resources: resources, sentAt: sentAt))
        }
    }

    private static func json(_ status: HTTPResponse.Status, _ body: Data) -> Response {
        Response(
            status: status,
            headers: [.contentType: jsonContentType],
            body: .init(byteBuffer: ByteBuffer(bytes: body))
        )
    }

    /// `{"error": message}`, so scripts read failures the way they read answers.
    private static func error(_ status: HTTPResponse.Status, _ message: String) -> Response {
        let body = (try? JSONSerialization.data(withJSONObject: ["error": message], options: [.withoutEscapingSlashes]))
            ?? Data()
        return json(status, body + Data("\n".utf8))
    }
}
