import AsyncHTTPClient
import Foundation

/// Small HTTP helpers over AsyncHTTPClient's shared client.
enum HTTP {
    struct Reply {
        var status: Int
        var contentType: String?
        var body: String
    }

    /// GETs `url` with a bounded timeout.
    static func get(_ url: String, timeout: Duration = .seconds(10)) async throws -> Reply {
        let request = HTTPClientRequest(url: url)
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(Int64(timeout.components.seconds)))
        let body = try await response.body.collect(upTo: 4 << 20)
        return Reply(
            status: Int(response.status.code),
            contentType: response.headers.first(name: "content-type"),
            body: body.getString(at: body.readerIndex, length: body.readableBytes) ?? ""
        )
    }

    /// Polls `url` until it answers `status`, for at most `limit`.
    static func waitForStatus(_ status: Int, at url: String, within limit: Duration) async throws -> Reply {
        let deadline = ContinuousClock.now + limit
        var last: String = "no answer"
        while ContinuousClock.now < deadline {
            if let reply = try? await get(url, timeout: .seconds(5)) {
                if reply.status == status { return reply }
                last = "\(reply.status) \(reply.body)"
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw WaitTimeout(what: "\(status) from \(url) (last: \(last))", stderr: "")
    }
}
