import AsyncHTTPClient
import Daemon
import Foundation

/// Reads controld's debug endpoints on the monitoring port (`--addr`), turning
/// every failure into an ``InspectError`` with one clear line.
struct MonitoringClient {
    let address: HostPort

    /// `path` (with its query) from the monitoring server: the body of a 200, or an
    /// error carrying the server's `{"error": ...}` message.
    func get(_ path: String) async throws -> Data {
        var configuration = HTTPClient.Configuration()
        // Fail at once when nothing listens, instead of retrying until a deadline.
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(30))
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        do {
            let result = try await fetch(path, with: client)
            try await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    private func fetch(_ path: String, with client: HTTPClient) async throws -> Data {
        let request = HTTPClientRequest(url: "http://\(address)\(path)")
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: .seconds(30))
        } catch {
            throw InspectError.unreachable(address.description, describe(error))
        }
        let body = Data(buffer: try await response.body.collect(upTo: 64 << 20))
        guard response.status == .ok else {
            let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any]
            if let message = object?["error"] as? String {
                throw InspectError(message)
            }
            throw InspectError("\(address) answered \(response.status.code) to \(path)")
        }
        return body
    }

    /// AsyncHTTPClient's own errors in a few words; the rest as NIO reports them.
    private func describe(_ error: any Error) -> any Error {
        if let error = error as? HTTPClientError {
            switch error {
            case .connectTimeout: return InspectError("connection timed out")
            case .deadlineExceeded, .readTimeout: return InspectError("no answer within 30 s")
            case .remoteConnectionClosed: return InspectError("connection closed")
            default: return error
            }
        }
        return error
    }
}
