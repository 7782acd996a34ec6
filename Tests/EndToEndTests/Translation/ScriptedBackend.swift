import Foundation

/// A loopback HTTP server whose answers a test scripts (fail, stall, a fixed status)
/// and which records every request it receives, so a test can see what Envoy did to
/// the traffic on its way: retries, mirrored copies, rewritten paths and headers.
final class ScriptedBackend {
    /// How the backend answers; the default answers 200 with its name.
    struct Behaviour: Encodable, Sendable {
        /// Answer 503 to the first this-many requests (over all paths).
        var failFirst = 0
        /// Answer 503 to a path's 1st, 3rd, 5th… request: each request's first
        /// attempt fails and a retry of it succeeds.
        var failOddPerPath = false
        /// Wait this long before answering.
        var delayMilliseconds = 0
        /// The status of every answer that is not a scripted failure; the body is
        /// still the backend's name.
        var status = 200

        static let name = Behaviour()
        static func failFirst(_ count: Int) -> Behaviour { Behaviour(failFirst: count) }
        static let failOddAttemptsPerPath = Behaviour(failOddPerPath: true)
        static func delay(_ duration: Duration) -> Behaviour {
            let (seconds, attoseconds) = duration.components
            return Behaviour(delayMilliseconds: Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000))
        }
        static func always(_ status: Int) -> Behaviour { Behaviour(status: status) }
    }

    /// A request as the backend received it; header names in lower case, in order,
    /// repeated names kept.
    struct Request: Decodable, Sendable {
        var method: String
        var path: String
        var headers: [[String]]

        /// Every value sent for `name` (case-insensitive), one per header line.
        func values(_ name: String) -> [String] {
            let lower = name.lowercased()
            return headers.compactMap { $0.count == 2 && $0[0] == lower ? $0[1] : nil }
        }

        /// The first value of `name`, if any.
        func header(_ name: String) -> String? { values(name).first }
    }

    /// Where the backend reports what it received; never recorded itself.
    static let recordPath = "/__requests"

    let name: String
    let host: String
    let port: Int
    private let child: ChildProcess

    // Errors while writing to a client that already gave up (Envoy after a route
    // timeout) are expected, so the server does not print them. The child inherits
    // a signal mask with SIGTERM blocked from the test process's spawning thread;
    // unblocking it lets `stop()` end the server at once instead of after its 5 s
    // grace period.
    static let script = """
        import http.server, json, signal, sys, threading, time
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
        name, host, port, behaviour = sys.argv[1], sys.argv[2], int(sys.argv[3]), json.loads(sys.argv[4])
        lock = threading.Lock()
        recorded, per_path, seen = [], {}, [0]
        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in two writes: without this, delayed ACKs
            # stall every keep-alive request by ~40 ms.
            disable_nagle_algorithm = True
            def answer(self):
                length = int(self.headers.get("content-length") or 0)
                if length:
                    self.rfile.read(length)
                if self.path == "\(recordPath)":
                    with lock:
                        body = json.dumps(recorded).encode()
                    return self.reply(200, body, "application/json")
                with lock:
                    recorded.append({"method": self.command, "path": self.path,
                                     "headers": [[k.lower(), v] for k, v in self.headers.items()]})
                    seen[0] += 1
                    number = seen[0]
                    per_path[self.path] = per_path.get(self.path, 0) + 1
                    count = per_path[self.path]
                if behaviour["delayMilliseconds"] > 0:
                    time.sleep(behaviour["delayMilliseconds"] / 1000)
                if number <= behaviour["failFirst"] or (behaviour["failOddPerPath"] and count % 2 == 1):
                    return self.reply(503, b"scripted failure")
                self.reply(behaviour["status"], name.encode())
            def reply(self, status, body, content_type="text/plain"):
                self.send_response(status)
                self.send_header("content-type", content_type)
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)
            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = answer
            def log_message(self, *args):
                pass
        class Server(http.server.ThreadingHTTPServer):
            daemon_threads = True
            def handle_error(self, request, client_address):
                pass
        Server((host, port), Handler).serve_forever()
        """

    init(name: String, host: String, behaviour: Behaviour = .name, directory: URL) throws {
        self.name = name
        self.host = host
        self.port = try LocalPorts.free(host: host)
        let encoded = String(decoding: try JSONEncoder().encode(behaviour), as: UTF8.self)
        child = try ChildProcess(
            name: "scripted-\(name)",
            executable: Venv.python,
            arguments: ["-c", Self.script, name, host, String(port), encoded],
            directory: directory
        )
    }

    /// Waits until the backend answers directly (on its record endpoint, so the
    /// check neither counts as a request nor trips a scripted failure).
    func waitUntilServing() async throws {
        _ = try await HTTP.waitForStatus(200, at: "http://\(host):\(port)\(Self.recordPath)", within: .seconds(30))
    }

    /// Every request received so far, oldest first.
    func requests() async throws -> [Request] {
        let reply = try await HTTP.get("http://\(host):\(port)\(Self.recordPath)")
        return try JSONDecoder().decode([Request].self, from: Data(reply.body.utf8))
    }

    /// The requests received so far whose path starts with `prefix`.
    func requests(under prefix: String) async throws -> [Request] {
        try await requests().filter { $0.path.hasPrefix(prefix) }
    }
}
