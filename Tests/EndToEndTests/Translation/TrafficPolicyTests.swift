import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// DestinationRule traffic policies (circuit breaking, outlier detection, consistent
/// hashing, simple load balancing) and L4 gateway routing (TCP, TLS passthrough by
/// SNI), checked on real traffic through a gateway Envoy configured by
/// `controld serve`: what the policy is for must happen to the requests, not only
/// appear in the config.
@Suite("Traffic policies and L4 gateway routes", .serialized)
struct TrafficPolicyTests {
    /// The cluster the gateway uses for service `shop`, port 9080, no subset.
    static let shopCluster = "outbound|9080||shop.default.svc.cluster.local"

    /// One test's mesh: the harness, the gateway's URL and the backends by name, kept
    /// together so the backends live as long as the test uses the mesh.
    typealias Mesh = GatewayMesh

    /// A backend of service `shop`: its name, address and script.
    struct BackendSpec {
        var name: String
        var host: String
        var behaviour: ScriptedBackend.Behaviour = .name
    }

    /// Service `shop` (port 9080) with one WorkloadEntry per backend, a
    /// DestinationRule whose `trafficPolicy` is `policy` (YAML, unindented), Gateway
    /// `shop-gateway` on 127.0.0.1:`gatewayPort`, and a VirtualService sending every
    /// request to `shop` with no subset (`routeExtras` added to that route).
    static func meshYAML(_ backends: [ScriptedBackend], policy: String, routeExtras: String, gatewayPort: Int) -> String {
        var documents = [
            """
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata: {name: shop, namespace: default}
            spec:
              hosts: [shop.default.svc.cluster.local]
              location: MESH_INTERNAL
              ports: [{number: 9080, name: http, protocol: HTTP}]
              resolution: STATIC
              workloadSelector: {labels: {app: shop}}
            """
        ]
        for backend in backends {
            documents.append(
                """
                apiVersion: networking.istio.io/v1
                kind: WorkloadEntry
                metadata: {name: shop-\(backend.name), namespace: default}
                spec: {address: \(backend.host), ports: {http: \(backend.port)}, labels: {app: shop}}
                """)
        }
        let indentedPolicy = policy.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n")
        documents.append(
            """
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: shop, namespace: default}
            spec:
              host: shop
              trafficPolicy:
            \(indentedPolicy)
            """)
        documents.append(
            """
            apiVersion: networking.istio.io/v1
            kind: Gateway
            metadata: {name: shop-gateway, namespace: default}
            spec:
              selector: {istio: ingressgateway}
              servers:
              - port: {number: \(gatewayPort), name: http, protocol: HTTP}
                bind: 127.0.0.1
                hosts: ["*"]
            """)
        let extras = routeExtras.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n")
        documents.append(
            """
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: shop, namespace: default}
            spec:
              hosts: ["*"]
              gateways: [shop-gateway]
              http:
              - route: [{destination: {host: shop, port: {number: 9080}}}]
            \(extras)
            """)
        return documents.joined(separator: "\n---\n")
    }

    /// Starts the backends, writes the mesh, and starts the gateway Envoy. The caller
    /// waits for the routes to be in force.
    static func start(_ name: String, backends specs: [BackendSpec], policy: String, routeExtras: String = "") async throws -> Mesh {
        let harness = try await MeshHarness(name)
        var backends: [String: ScriptedBackend] = [:]
        // All started before any is waited for: each takes a moment to come up.
        for spec in specs {
            backends[spec.name] = try ScriptedBackend(
                name: spec.name, host: spec.host, behaviour: spec.behaviour, directory: harness.scratch.url)
        }
        for backend in backends.values { try await backend.waitUntilServing() }
        let gatewayPort = try LocalPorts.free()
        let ordered = specs.compactMap { backends[$0.name] }
        try harness.write(meshYAML(ordered, policy: policy, routeExtras: routeExtras, gatewayPort: gatewayPort), to: "mesh.yaml")
        _ = try harness.envoy(type: "router", ip: "127.0.0.1", name: "ingressgateway", labels: ["istio": "ingressgateway"])
        return Mesh(harness: harness, url: "http://127.0.0.1:\(gatewayPort)", backends: backends)
    }


    // MARK: DestinationRule traffic policies

    @Test("circuit breaking: 1 connection, 1 pending, 1 request in flight: concurrent requests overflow with 503")
    func circuitBreaking() async throws {
        let mesh = try await Self.start(
            "policy-breaker", backends: [BackendSpec(name: "slow", host: "127.0.0.71", behaviour: .delay(.seconds(1)))],
            policy: """
                connectionPool:
                  http: {http1MaxPendingRequests: 1, http2MaxRequests: 1, maxRequestsPerConnection: 1}
                  tcp: {maxConnections: 1}
                """,
            // What the client sees is Envoy's first answer, not a retry's.
            routeExtras: "retries: {attempts: 0}")
        try await mesh.waitFor { $0.status == 200 && $0.body == "slow" }

        let url = mesh.url + "/"
        let replies = try await withThrowingTaskGroup(of: RouteFeatureTests.Exchange.self) { group in
            for _ in 0..<10 { group.addTask { try await RouteFeatureTests.exchange(url, timeout: 20) } }
            var replies: [RouteFeatureTests.Exchange] = []
            for try await reply in group { replies.append(reply) }
            return replies
        }
        let summary = replies.map { "\($0.status) \($0.header("x-envoy-overloaded") ?? "-") \($0.body)" }
        let succeeded = replies.filter { $0.status == 200 && $0.body == "slow" }
        let overflowed = replies.filter {
            $0.status == 503 && ($0.header("x-envoy-overloaded") == "true" || $0.body.contains("overflow"))
        }
        #expect(succeeded.count >= 1, "answers: \(summary)")
        #expect(overflowed.count >= 1, "answers: \(summary)")
        #expect(succeeded.count + overflowed.count == replies.count, "answers: \(summary)")
        let overflows = try await mesh.shopStat("upstream_rq_pending_overflow")
        #expect(overflows > 0, "upstream_rq_pending_overflow: \(overflows)")
        // Shed requests never reached the backend: it saw the readiness check and
        // the successes only.
        let reached = try await mesh["slow"].requests().count
        #expect(reached <= 1 + succeeded.count, "the backend saw \(reached) requests, \(succeeded.count) succeeded")
        try await mesh.harness.expectNoRejects()
    }

    @Test("outlier detection: an endpoint answering 500 is ejected after 2 in a row; then every request succeeds")
    func outlierDetection() async throws {
        let mesh = try await Self.start(
            "policy-outlier",
            backends: [
                BackendSpec(name: "good", host: "127.0.0.72"),
                BackendSpec(name: "bad", host: "127.0.0.73", behaviour: .always(500)),
            ],
            policy: """
                outlierDetection: {consecutive5xxErrors: 2, interval: 1s, baseEjectionTime: 30s, maxEjectionPercent: 100}
                """)
        try await mesh.waitFor { $0.status == 200 && $0.body == "good" }

        // Warm-up: until ten answers in a row come from the good endpoint.
        let deadline = ContinuousClock.now + .seconds(20)
        var inARow = 0
        var warmUp: [String: Int] = [:]
        while inARow < 10 && ContinuousClock.now < deadline {
            let reply = try await RouteFeatureTests.exchange(mesh.url + "/warm-up")
            warmUp[reply.status == 200 ? reply.body : "!\(reply.status)", default: 0] += 1
            inARow = reply.status == 200 ? inARow + 1 : 0
        }
        // The failing endpoint was tried, and dropped after a handful of failures
        // (ejection may already happen while the routes are awaited above).
        let tried = try await mesh["bad"].requests().count
        #expect(tried >= 1 && tried <= 20, "the failing endpoint got \(tried) requests; warm-up answers: \(warmUp)")

        let failingBefore = try await mesh["bad"].requests().count
        let counts = try await MeshHarness.tally(mesh.url + "/after", count: 50)
        #expect(counts["good", default: 0] >= 48, "after ejection: \(counts)")
        let failingAfter = try await mesh["bad"].requests().count
        #expect(failingAfter - failingBefore <= 2, "the ejected endpoint still got \(failingAfter - failingBefore) requests")
        let ejections = try await mesh.shopStat("outlier_detection.ejections_enforced_total")
        #expect(ejections >= 1, "ejections_enforced_total: \(ejections)")
        try await mesh.harness.expectNoRejects()
    }

    @Test("consistent hash on x-user: each user sticks to one of three endpoints; users spread over several")
    func consistentHash() async throws {
        let mesh = try await Self.start(
            "policy-hash",
            backends: [
                BackendSpec(name: "a", host: "127.0.0.74"), BackendSpec(name: "b", host: "127.0.0.75"),
                BackendSpec(name: "c", host: "127.0.0.76"),
            ],
            policy: """
                loadBalancer: {consistentHash: {httpHeaderName: x-user}}
                """)
        try await mesh.waitFor { $0.status == 200 }

        var reachedBy: [String: Set<String>] = [:]
        var failures: [String] = []
        for round in 0..<3 {
            for user in 0..<10 {
                let reply = try await RouteFeatureTests.exchange(mesh.url + "/r\(round)", headers: [("x-user", "user-\(user)")])
                if reply.status == 200 {
                    reachedBy["user-\(user)", default: []].insert(reply.body)
                } else {
                    failures.append("user-\(user): \(reply.status) \(reply.body)")
                }
            }
        }
        #expect(failures.isEmpty, "failed: \(failures)")
        let wandering = reachedBy.filter { $0.value.count != 1 }
        #expect(wandering.isEmpty, "users reaching more than one endpoint: \(wandering)")
        let used = Set(reachedBy.values.flatMap { $0 })
        #expect(used.count > 1, "all ten users on \(used); by user: \(reachedBy)")
        let cluster = try await mesh.shopCluster()
        #expect(cluster["lb_policy"] as? String == "RING_HASH", "lb_policy: \(cluster["lb_policy"] ?? "none")")
        try await mesh.harness.expectNoRejects()
    }

    @Test("loadBalancer.simple: both endpoints get traffic, and Envoy holds the chosen policy",
          arguments: ["RANDOM", "ROUND_ROBIN"])
    func simpleLoadBalancer(_ simple: String) async throws {
        let mesh = try await Self.start(
            "policy-\(simple.lowercased())",
            backends: [BackendSpec(name: "one", host: "127.0.0.77"), BackendSpec(name: "two", host: "127.0.0.78")],
            policy: """
                loadBalancer: {simple: \(simple)}
                """)
        try await mesh.waitFor { $0.status == 200 }

        let counts = try await MeshHarness.tally(mesh.url + "/spread", count: 40)
        #expect(Set(counts.keys) == ["one", "two"], "answers: \(counts)")
        if simple == "ROUND_ROBIN" {
            // One keep-alive connection stays on one Envoy worker, whose rotation
            // alternates; a reconnect onto another worker may shift it by one.
            #expect(abs(counts["one", default: 0] - counts["two", default: 0]) <= 2, "answers: \(counts)")
        }
        // ROUND_ROBIN is the proto's zero value, which config_dump leaves out.
        let cluster = try await mesh.shopCluster()
        let policy = cluster["lb_policy"] as? String ?? "ROUND_ROBIN"
        #expect(policy == simple, "lb_policy: \(policy)")
        try await mesh.harness.expectNoRejects()
    }

    // MARK: L4 gateway routes

    @Test("TCP through a gateway: a tcp route forwards bytes to an echo service and back")
    func tcpGateway() async throws {
        let harness = try await MeshHarness("gateway-tcp")
        let echo = try TCPEchoServer(host: "127.0.0.81", directory: harness.scratch.url)
        try await echo.waitUntilServing()
        let gatewayPort = try LocalPorts.free()
        try harness.write(
            """
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata: {name: echo, namespace: default}
            spec:
              hosts: [echo.default.svc.cluster.local]
              location: MESH_INTERNAL
              ports: [{number: 9000, name: tcp-echo, protocol: TCP}]
              resolution: STATIC
              endpoints: [{address: \(echo.host), ports: {tcp-echo: \(echo.port)}}]
            ---
            apiVersion: networking.istio.io/v1
            kind: Gateway
            metadata: {name: echo-gateway, namespace: default}
            spec:
              selector: {istio: ingressgateway}
              servers:
              - port: {number: \(gatewayPort), name: tcp, protocol: TCP}
                bind: 127.0.0.1
                hosts: ["*"]
            ---
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: echo, namespace: default}
            spec:
              hosts: ["*"]
              gateways: [echo-gateway]
              tcp:
              - match: [{port: \(gatewayPort)}]
                route: [{destination: {host: echo.default.svc.cluster.local, port: {number: 9000}}}]
            """, to: "echo.yaml")
        _ = try harness.envoy(type: "router", ip: "127.0.0.1", name: "ingressgateway", labels: ["istio": "ingressgateway"])

        var last = ""
        do {
            try await eventually("an echo through the gateway", within: .seconds(60)) {
                let sent = "ready-\(UUID().uuidString)"
                last = (try? TCPClient.roundTrip(host: "127.0.0.1", port: gatewayPort, payload: sent)) ?? "no answer"
                return last == sent
            }
        } catch let timeout as WaitTimeout {
            let listeners = (try? await harness.envoys[0].admin("/config_dump?resource=dynamic_listeners")) ?? ""
            throw WaitTimeout(what: "\(timeout.what) (last: \(last))", stderr: "gateway listeners:\n\(listeners)")
        }
        // Larger than one read, twice, over separate connections.
        let payload = String((0..<20_000).map { Character(UnicodeScalar(UInt8(32 + $0 % 95))) })
        for _ in 0..<2 {
            let answer = try TCPClient.roundTrip(host: "127.0.0.1", port: gatewayPort, payload: payload)
            #expect(answer == payload, "echoed \(answer.count) of \(payload.count) bytes")
        }
        let stat = try await harness.envoys[0].stat("cluster.outbound|9000||echo.default.svc.cluster.local.upstream_cx_total") ?? 0
        #expect(stat >= 3, "upstream connections to the echo cluster: \(stat)")
        try await harness.expectNoRejects()
    }

    @Test("TLS passthrough: SNI picks the backend, which terminates TLS itself; an unknown SNI gets nothing")
    func tlsPassthrough() async throws {
        let harness = try await MeshHarness("gateway-passthrough")
        let certificates = harness.scratch.url.appendingPathComponent("certs")
        try FileManager.default.createDirectory(at: certificates, withIntermediateDirectories: true)
        let (ca, _, _) = try await GatewayTLSTests.issue(host: "secure.example.com", in: certificates)
        let backend = try HTTPSBackend(
            name: "secure", host: "127.0.0.82", certificate: certificates.appendingPathComponent("tls.crt"),
            key: certificates.appendingPathComponent("tls.key"), directory: harness.scratch.url)
        let direct = "secure.example.com:\(backend.port):\(backend.host)"
        try await eventually("the HTTPS backend answering directly") {
            try await GatewayTLSTests.curl(["--cacert", ca.path, "--resolve", direct, "https://secure.example.com:\(backend.port)/"]).output == "secure"
        }
        let gatewayPort = try LocalPorts.free()
        try harness.write(
            """
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata: {name: secure, namespace: default}
            spec:
              hosts: [secure.default.svc.cluster.local]
              location: MESH_INTERNAL
              ports: [{number: 8443, name: tls, protocol: TLS}]
              resolution: STATIC
              endpoints: [{address: \(backend.host), ports: {tls: \(backend.port)}}]
            ---
            apiVersion: networking.istio.io/v1
            kind: Gateway
            metadata: {name: secure-gateway, namespace: default}
            spec:
              selector: {istio: ingressgateway}
              servers:
              - port: {number: \(gatewayPort), name: tls, protocol: TLS}
                bind: 127.0.0.1
                hosts: [secure.example.com]
                tls: {mode: PASSTHROUGH}
            ---
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: secure, namespace: default}
            spec:
              hosts: [secure.example.com]
              gateways: [secure-gateway]
              tls:
              - match: [{port: \(gatewayPort), sniHosts: [secure.example.com]}]
                route: [{destination: {host: secure.default.svc.cluster.local, port: {number: 8443}}}]
            """, to: "secure.yaml")
        _ = try harness.envoy(type: "router", ip: "127.0.0.1", name: "ingressgateway", labels: ["istio": "ingressgateway"])

        let url = "https://secure.example.com:\(gatewayPort)/through"
        let resolve = "secure.example.com:\(gatewayPort):127.0.0.1"
        var last = ""
        do {
            try await eventually("the backend's answer through the gateway", within: .seconds(60)) {
                let result = try await GatewayTLSTests.curl(["--cacert", ca.path, "--resolve", resolve, url])
                last = "\(result.status) \(result.output)"
                return result.status == 0 && result.output == "secure"
            }
        } catch let timeout as WaitTimeout {
            let listeners = (try? await harness.envoys[0].admin("/config_dump?resource=dynamic_listeners")) ?? ""
            throw WaitTimeout(what: "\(timeout.what) (last: \(last))", stderr: "gateway listeners:\n\(listeners)")
        }
        // The certificate the client verified is the backend's: the gateway holds
        // none for this host, so it forwarded the TLS bytes untouched.
        let seen = try await backend.paths()
        #expect(seen.contains("/through"), "the backend saw: \(seen)")

        // A name no route lists matches no filter chain: the connection is closed.
        let other = try await GatewayTLSTests.curl(["-k", "--resolve", "other.example.com:\(gatewayPort):127.0.0.1", "https://other.example.com:\(gatewayPort)/"])
        #expect(other.status != 0 && other.output.isEmpty, "unknown SNI: \(other.status) \(other.output)")
        try await harness.expectNoRejects()
    }
}

// MARK: L4 helpers

/// A loopback TCP server echoing every byte back until the client closes its side.
final class TCPEchoServer {
    let host: String
    let port: Int
    private let child: ChildProcess

    static let script = """
        import signal, socketserver, sys
        # SIGTERM arrives blocked (see ScriptedBackend.script): unblocked, stop() is quick.
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
        host, port = sys.argv[1], int(sys.argv[2])
        class Handler(socketserver.BaseRequestHandler):
            def handle(self):
                while True:
                    data = self.request.recv(65536)
                    if not data:
                        break
                    self.request.sendall(data)
        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True
        Server((host, port), Handler).serve_forever()
        """

    init(host: String, directory: URL) throws {
        self.host = host
        port = try LocalPorts.free(host: host)
        child = try ChildProcess(
            name: "echo-\(host)", executable: Venv.python, arguments: ["-c", Self.script, host, String(port)], directory: directory)
    }

    /// Waits until the server echoes directly.
    func waitUntilServing() async throws {
        try await eventually("the echo server on \(host):\(port)") {
            try TCPClient.roundTrip(host: host, port: port, payload: "ping") == "ping"
        }
    }
}

/// An HTTPS server on loopback answering every GET with its name, terminating TLS
/// itself with the certificate it is given, and listing the paths it served.
final class HTTPSBackend {
    let name: String
    let host: String
    let port: Int
    private let child: ChildProcess
    private let pathsFile: URL

    static let script = """
        import http.server, signal, ssl, sys
        # SIGTERM arrives blocked (see ScriptedBackend.script): unblocked, stop() is quick.
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
        name, host, port, certificate, key, paths = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6]
        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            def do_GET(self):
                with open(paths, "a") as out:
                    out.write(self.path + "\\n")
                body = name.encode()
                self.send_response(200)
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            def log_message(self, *args):
                pass
        class Server(http.server.ThreadingHTTPServer):
            daemon_threads = True
            def handle_error(self, request, client_address):
                pass
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(certificate, key)
        server = Server((host, port), Handler)
        # The handshake runs in the request's thread, not in accept().
        server.socket = context.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
        server.serve_forever()
        """

    init(name: String, host: String, certificate: URL, key: URL, directory: URL) throws {
        self.name = name
        self.host = host
        port = try LocalPorts.free(host: host)
        pathsFile = directory.appendingPathComponent("https-\(name)-paths.txt")
        _ = FileManager.default.createFile(atPath: pathsFile.path, contents: nil)
        child = try ChildProcess(
            name: "https-\(name)", executable: Venv.python,
            arguments: ["-c", Self.script, name, host, String(port), certificate.path, key.path, pathsFile.path],
            directory: directory)
    }

    /// The paths of the GETs served so far, oldest first.
    func paths() async throws -> [String] {
        try String(contentsOf: pathsFile, encoding: .utf8).split(separator: "\n").map(String.init)
    }
}

/// A blocking TCP client with bounded waits, for the L4 routes.
enum TCPClient {
    /// Connects, sends `payload`, closes the sending side and reads until the peer
    /// closes; every step gives up after `timeout` seconds.
    static func roundTrip(host: String, port: Int, payload: String, timeout: Int = 5) throws -> String {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EMFILE) }
        defer { close(fd) }
        var limit = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, host, &address.sin_addr)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .ECONNREFUSED) }

        let bytes = Array(payload.utf8)
        var sent = 0
        while sent < bytes.count {
            let written = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
            guard written > 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EPIPE) }
            sent += written
        }
        shutdown(fd, Int32(SHUT_WR))

        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count == 0 { break }
            guard count > 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .ETIMEDOUT) }
            received += buffer[..<count]
        }
        return String(decoding: received, as: UTF8.self)
    }
}

extension GatewayMesh {
    /// A stat of the `shop` cluster on the gateway, 0 when Envoy has none yet.
    func shopStat(_ name: String) async throws -> Int {
        try await gateway.stat("cluster.\(TrafficPolicyTests.shopCluster).\(name)") ?? 0
    }

    /// The `shop` cluster as the gateway Envoy holds it (its config_dump JSON).
    func shopCluster() async throws -> [String: Any] {
        let text = try await gateway.admin("/config_dump?resource=dynamic_active_clusters")
        let root = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        for config in root["configs"] as? [[String: Any]] ?? [] {
            if let cluster = config["cluster"] as? [String: Any], cluster["name"] as? String == TrafficPolicyTests.shopCluster {
                return cluster
            }
        }
        throw WaitTimeout(what: "cluster \(TrafficPolicyTests.shopCluster) on the gateway", stderr: text)
    }
}
