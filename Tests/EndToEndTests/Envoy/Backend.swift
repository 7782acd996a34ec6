import Foundation

/// A tiny HTTP server on a loopback address that answers every GET with its own name,
/// so a test can tell which backend a request through Envoy reached.
final class Backend {
    let name: String
    let host: String
    let port: Int
    private let child: ChildProcess

    static let script = """
        import http.server, sys
        name, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in two writes: without this, delayed ACKs
            # stall every keep-alive request by ~40 ms.
            disable_nagle_algorithm = True
            def do_GET(self):
                body = name.encode()
                self.send_response(200)
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            def log_message(self, *args):
                pass
        http.server.ThreadingHTTPServer((host, port), Handler).serve_forever()
        """

    init(name: String, host: String = "127.0.0.1", directory: URL) throws {
        self.name = name
        self.host = host
        self.port = try LocalPorts.free(host: host)
        child = try ChildProcess(
            name: "backend-\(name)",
            executable: Venv.python,
            arguments: ["-c", Self.script, name, host, String(port)],
            directory: directory
        )
    }

    /// Waits until the backend answers directly.
    func waitUntilServing() async throws {
        _ = try await HTTP.waitForStatus(200, at: "http://\(host):\(port)/", within: .seconds(30))
    }
}
