import AsyncHTTPClient
import Foundation
import Testing

/// VirtualService route features (retries, timeouts, faults, mirroring, rewrites,
/// redirects, header edits, direct responses) checked on real traffic through a
/// gateway Envoy configured by `controld serve`, against backends that record what
/// reached them.
@Suite("Route features through a gateway", .serialized)
struct RouteFeatureTests {
    /// One test's mesh: the harness, the gateway's URL and the backends, kept
    /// together so the backends live as long as the test uses the mesh.
    typealias Mesh = GatewayMesh

    /// A backend of service `shop`: the subset it forms, its address and its script.
    struct BackendSpec {
        var subset: String
        var host: String
        var behaviour: ScriptedBackend.Behaviour = .name
    }

    /// Service `shop` (port 9080) with one WorkloadEntry and one subset per backend,
    /// and Gateway `shop-gateway` binding `gatewayPort` on 127.0.0.1. With no
    /// backends, only the Gateway.
    static func meshYAML(_ backends: [ScriptedBackend], gatewayPort: Int) -> String {
        var documents: [String] = []
        if !backends.isEmpty {
            documents.append(
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
                """)
            for backend in backends {
                documents.append(
                    """
                    apiVersion: networking.istio.io/v1
                    kind: WorkloadEntry
                    metadata: {name: shop-\(backend.name), namespace: default}
                    spec: {address: \(backend.host), ports: {http: \(backend.port)}, labels: {app: shop, version: \(backend.name)}}
                    """)
            }
            let subsets = backends.map { "  - {name: \($0.name), labels: {version: \($0.name)}}" }.joined(separator: "\n")
            documents.append(
                """
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: shop, namespace: default}
                spec:
                  host: shop
                  subsets:
                \(subsets)
                """)
        }
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
        return documents.joined(separator: "\n---\n")
    }

    /// VirtualService `shop` on `shop-gateway` for every host, with `http` (the
    /// list's YAML, unindented) as its routes.
    static func virtualService(http: String) -> String {
        let indented = http.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n")
        return """
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: shop, namespace: default}
            spec:
              hosts: ["*"]
              gateways: [shop-gateway]
              http:
            \(indented)
            """
    }

    /// A route's destination: subset `subset` of `shop`.
    static func destination(_ subset: String) -> String {
        "{destination: {host: shop, subset: \(subset), port: {number: 9080}}}"
    }

    /// Starts the backends, writes the mesh and the routes, and starts the gateway
    /// Envoy. The caller waits for its routes to be in force.
    static func start(_ name: String, backends specs: [BackendSpec], http: String) async throws -> Mesh {
        let harness = try await MeshHarness(name)
        var backends: [String: ScriptedBackend] = [:]
        for spec in specs {
            let backend = try ScriptedBackend(
                name: spec.subset, host: spec.host, behaviour: spec.behaviour, directory: harness.scratch.url)
            try await backend.waitUntilServing()
            backends[spec.subset] = backend
        }
        let gatewayPort = try LocalPorts.free()
        let ordered = specs.compactMap { backends[$0.subset] }
        try harness.write(meshYAML(ordered, gatewayPort: gatewayPort), to: "mesh.yaml")
        try harness.write(virtualService(http: http), to: "routes.yaml")
        _ = try harness.envoy(type: "router", ip: "127.0.0.1", name: "ingressgateway", labels: ["istio": "ingressgateway"])
        return Mesh(harness: harness, url: "http://127.0.0.1:\(gatewayPort)", backends: backends)
    }

    // MARK: Client side

    /// What the client saw of one request.
    struct Exchange {
        var status: Int
        var headers: [(String, String)]
        var body: String
        var elapsed: Duration

        /// The first value of response header `name` (case-insensitive).
        func header(_ name: String) -> String? {
            headers.first { $0.0.lowercased() == name.lowercased() }?.1
        }
    }

    /// One GET through `client` (the shared one follows redirects).
    static func exchange(
        _ url: String, headers: [(String, String)] = [], client: HTTPClient = .shared, timeout: Int64 = 10
    ) async throws -> Exchange {
        var request = HTTPClientRequest(url: url)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let started = ContinuousClock.now
        let response = try await client.execute(request, timeout: .seconds(timeout))
        let body = try await response.body.collect(upTo: 1 << 20)
        return Exchange(
            status: Int(response.status.code),
            headers: response.headers.map { ($0.name, $0.value) },
            body: body.getString(at: body.readerIndex, length: body.readableBytes) ?? "",
            elapsed: started.duration(to: .now))
    }

    /// Polls `url` until an answer satisfies `accept` (the routes are in force), for
    /// at most `limit`.
    @discardableResult
    static func waitFor(
        _ url: String, headers: [(String, String)] = [], within limit: Duration = .seconds(60),
        until accept: (Exchange) -> Bool
    ) async throws -> Exchange {
        let deadline = ContinuousClock.now + limit
        var last = "no answer"
        while ContinuousClock.now < deadline {
            if let reply = try? await exchange(url, headers: headers, timeout: 5) {
                if accept(reply) { return reply }
                last = "\(reply.status) \(reply.body)"
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw WaitTimeout(what: "an expected answer from \(url) (last: \(last))", stderr: "")
    }

    /// How many requests `backend` received for each path under `prefix`.
    static func attemptsByPath(_ backend: ScriptedBackend, under prefix: String) async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for request in try await backend.requests(under: prefix) { counts[request.path, default: 0] += 1 }
        return counts
    }

    // MARK: Tests

    @Test("retries: 3 attempts on 5xx turn a failed first attempt into 200; attempts 0 passes the 503 on")
    func retries() async throws {
        let mesh = try await Self.start(
            "route-retries", backends: [BackendSpec(subset: "flaky", host: "127.0.0.41", behaviour: .failOddAttemptsPerPath)],
            http: """
                - match: [{uri: {prefix: /retry/}}]
                  route: [\(Self.destination("flaky"))]
                  retries: {attempts: 3, retryOn: 5xx}
                - match: [{uri: {prefix: /once/}}]
                  route: [\(Self.destination("flaky"))]
                  retries: {attempts: 0}
                """)
        try await mesh.waitFor("/retry/ready") { $0.status == 200 && $0.body == "flaky" }

        var statuses: [Int: Int] = [:]
        for index in 0..<20 { statuses[try await Self.exchange(mesh.url + "/retry/\(index)").status, default: 0] += 1 }
        #expect(statuses == [200: 20], "with retries: \(statuses)")
        let retried = try await Self.attemptsByPath(mesh["flaky"], under: "/retry/")
        for index in 0..<20 {
            #expect(retried["/retry/\(index)"] == 2, "attempts for /retry/\(index): \(retried["/retry/\(index)"] ?? 0)")
        }

        statuses = [:]
        for index in 0..<10 { statuses[try await Self.exchange(mesh.url + "/once/\(index)").status, default: 0] += 1 }
        #expect(statuses == [503: 10], "without retries: \(statuses)")
        let once = try await Self.attemptsByPath(mesh["flaky"], under: "/once/")
        #expect(once.count == 10 && once.values.allSatisfy { $0 == 1 }, "attempts without retries: \(once)")
        try await mesh.harness.expectNoRejects()
    }

    @Test("timeout: a 0.5 s route timeout answers 504 well before a 5 s backend would")
    func timeout() async throws {
        let mesh = try await Self.start(
            "route-timeout", backends: [BackendSpec(subset: "slow", host: "127.0.0.42", behaviour: .delay(.seconds(5)))],
            http: """
                - route: [\(Self.destination("slow"))]
                  timeout: 0.5s
                """)
        // In force once the route answers at all (the backend's own answer if the
        // timeout were lost, which the checks below then report).
        try await mesh.waitFor("/") { $0.status == 504 || $0.body == "slow" }

        for _ in 0..<3 {
            let reply = try await Self.exchange(mesh.url + "/")
            #expect(reply.status == 504, "\(reply.status) \(reply.body) after \(reply.elapsed)")
            #expect(reply.body == "upstream request timeout", "body: \(reply.body)")
            // Envoy's timers can fire a millisecond or so early.
            #expect(reply.elapsed >= .milliseconds(450) && reply.elapsed < .seconds(3), "took \(reply.elapsed)")
        }
        try await mesh.harness.expectNoRejects()
    }

    @Test("fault abort: 418 for 30 ± 3 % of 2,000 requests, 200 for the rest")
    func faultAbort() async throws {
        let mesh = try await Self.start(
            "route-abort", backends: [BackendSpec(subset: "app", host: "127.0.0.43")],
            http: """
                - route: [\(Self.destination("app"))]
                  fault: {abort: {httpStatus: 418, percentage: {value: 30}}}
                """)
        try await mesh.waitFor("/") { $0.status == 418 || ($0.status == 200 && $0.body == "app") }

        // 2,000 rather than 1,000: the share's standard deviation is then ~1 point,
        // so ±3 points fails by chance about once in 300 runs instead of once in 25.
        let total = 2000
        var statuses: [Int: Int] = [:]
        for _ in 0..<total { statuses[try await Self.exchange(mesh.url + "/").status, default: 0] += 1 }
        #expect(Set(statuses.keys).isSubset(of: [200, 418]), "statuses: \(statuses)")
        let share = Double(statuses[418, default: 0]) * 100 / Double(total)
        #expect((27.0...33.0).contains(share), "418 share \(share)%: \(statuses)")
        try await mesh.harness.expectNoRejects()
    }

    @Test("fault delay: a fixed 1 s delay for every request")
    func faultDelay() async throws {
        let mesh = try await Self.start(
            "route-delay", backends: [BackendSpec(subset: "app", host: "127.0.0.44")],
            http: """
                - match: [{uri: {prefix: /delayed}}]
                  route: [\(Self.destination("app"))]
                  fault: {delay: {fixedDelay: 1s, percentage: {value: 100}}}
                - route: [\(Self.destination("app"))]
                """)
        try await mesh.waitFor("/delayed") { $0.status == 200 && $0.body == "app" }

        for _ in 0..<3 {
            let reply = try await Self.exchange(mesh.url + "/delayed")
            #expect(reply.status == 200 && reply.body == "app", "\(reply.status) \(reply.body)")
            // Envoy arms its timer from the time its event loop last read the clock,
            // which can be a millisecond before the request's bytes arrived.
            #expect(reply.elapsed >= .milliseconds(990), "took \(reply.elapsed)")
        }
        // The same backend answers at once on the route without the fault.
        let direct = try await Self.exchange(mesh.url + "/prompt")
        #expect(direct.status == 200 && direct.elapsed < .milliseconds(500), "\(direct.status) in \(direct.elapsed)")
        try await mesh.harness.expectNoRejects()
    }

    @Test("mirror: the shadow subset receives a copy of every request under Host '…-shadow'; the client sees the primary")
    func mirror() async throws {
        let mesh = try await Self.start(
            "route-mirror",
            backends: [BackendSpec(subset: "primary", host: "127.0.0.45"), BackendSpec(subset: "shadow", host: "127.0.0.46")],
            http: """
                - route: [\(Self.destination("primary"))]
                  mirror: {host: shop, subset: shadow, port: {number: 9080}}
                  mirrorPercentage: {value: 100}
                """)
        try await mesh.waitFor("/ready") { $0.status == 200 && $0.body == "primary" }

        let host = [("host", "shop.example")]
        var answers: [String: Int] = [:]
        for index in 0..<20 {
            let reply = try await Self.exchange(mesh.url + "/mirrored/\(index)", headers: host)
            answers[reply.status == 200 ? reply.body : "!\(reply.status)", default: 0] += 1
        }
        #expect(answers == ["primary": 20], "client saw: \(answers)")

        // Mirrored copies are sent without waiting for their answers: poll.
        let expectedPaths = Set((0..<20).map { "/mirrored/\($0)" })
        let deadline = ContinuousClock.now + .seconds(10)
        var copies: [ScriptedBackend.Request] = []
        while ContinuousClock.now < deadline {
            copies = try await mesh["shadow"].requests(under: "/mirrored/")
            if copies.count >= expectedPaths.count { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(Set(copies.map(\.path)) == expectedPaths && copies.count == expectedPaths.count, "shadow got: \(copies.map(\.path))")
        let shadowHosts = Set(copies.compactMap { $0.header("host") })
        #expect(shadowHosts == ["shop.example-shadow"], "shadow Host headers: \(shadowHosts)")
        let primary = try await mesh["primary"].requests(under: "/mirrored/")
        #expect(primary.count == 20 && primary.allSatisfy { $0.header("host") == "shop.example" }, "primary got: \(primary.map(\.path))")
        try await mesh.harness.expectNoRejects()
    }

    @Test("rewrite: prefix /old becomes /new upstream; an authority rewrite sets the Host the backend sees")
    func rewrite() async throws {
        let mesh = try await Self.start(
            "route-rewrite", backends: [BackendSpec(subset: "app", host: "127.0.0.47")],
            http: """
                - match: [{uri: {prefix: /old}}]
                  rewrite: {uri: /new}
                  route: [\(Self.destination("app"))]
                - match: [{uri: {prefix: /authority}}]
                  rewrite: {authority: rewritten.example}
                  route: [\(Self.destination("app"))]
                """)
        try await mesh.waitFor("/old/ready") { $0.status == 200 && $0.body == "app" }

        let rewritten = try await Self.exchange(mesh.url + "/old/page?item=1")
        #expect(rewritten.status == 200 && rewritten.body == "app", "\(rewritten.status) \(rewritten.body)")
        let paths = try await mesh["app"].requests().map(\.path)
        #expect(paths.contains("/new/page?item=1"), "backend saw: \(paths)")
        #expect(!paths.contains { $0.hasPrefix("/old") }, "backend saw: \(paths)")

        let reply = try await Self.exchange(mesh.url + "/authority/check", headers: [("host", "client.example")])
        #expect(reply.status == 200 && reply.body == "app", "\(reply.status) \(reply.body)")
        let seen = try await mesh["app"].requests(under: "/authority/check")
        #expect(seen.count == 1 && seen.first?.header("host") == "rewritten.example", "backend saw Host: \(seen.map { $0.values("host") })")
        try await mesh.harness.expectNoRejects()
    }

    @Test("redirect: 301 with a location ending in /moved, answered by the gateway itself")
    func redirect() async throws {
        let mesh = try await Self.start(
            "route-redirect", backends: [BackendSpec(subset: "app", host: "127.0.0.48")],
            http: """
                - match: [{uri: {prefix: /gone}}]
                  redirect: {uri: /moved, redirectCode: 301}
                - route: [\(Self.destination("app"))]
                """)
        var configuration = HTTPClient.Configuration.singletonConfiguration
        configuration.redirectConfiguration = .disallow
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        do {
            try await mesh.waitFor("/ready") { $0.status == 200 && $0.body == "app" }
            for _ in 0..<3 {
                let reply = try await Self.exchange(mesh.url + "/gone/page", client: client)
                #expect(reply.status == 301, "\(reply.status) \(reply.body)")
                let location = reply.header("location") ?? ""
                #expect(location.hasSuffix("/moved"), "location: \(location)")
            }
            let upstream = try await mesh["app"].requests(under: "/gone")
            #expect(upstream.isEmpty, "the backend saw \(upstream.map(\.path))")
            try await mesh.harness.expectNoRejects()
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    @Test("headers: request set/add/remove reach the backend; a response set reaches the client")
    func headers() async throws {
        let mesh = try await Self.start(
            "route-headers", backends: [BackendSpec(subset: "app", host: "127.0.0.49")],
            http: """
                - route: [\(Self.destination("app"))]
                  headers:
                    request:
                      set: {x-set: mesh}
                      add: {x-added: mesh}
                      remove: [x-removed]
                    response:
                      set: {x-served-by: gateway}
                """)
        try await mesh.waitFor("/ready") { $0.status == 200 && $0.body == "app" }

        let reply = try await Self.exchange(
            mesh.url + "/edited",
            headers: [("x-set", "client"), ("x-added", "client"), ("x-removed", "secret"), ("x-kept", "yes")])
        #expect(reply.status == 200 && reply.body == "app", "\(reply.status) \(reply.body)")
        #expect(reply.header("x-served-by") == "gateway", "response headers: \(reply.headers)")

        let seen = try #require(try await mesh["app"].requests(under: "/edited").first)
        #expect(seen.values("x-set") == ["mesh"], "x-set: \(seen.values("x-set"))")
        let added = seen.values("x-added").flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        #expect(added.sorted() == ["client", "mesh"], "x-added: \(seen.values("x-added"))")
        #expect(seen.values("x-removed").isEmpty, "x-removed: \(seen.values("x-removed"))")
        #expect(seen.values("x-kept") == ["yes"], "x-kept: \(seen.values("x-kept"))")
        try await mesh.harness.expectNoRejects()
    }

    @Test("directResponse: 503 'maintenance' from the gateway with no service or backend at all")
    func directResponse() async throws {
        let mesh = try await Self.start(
            "route-direct", backends: [],
            http: """
                - directResponse: {status: 503, body: {string: maintenance}}
                """)
        try await mesh.waitFor("/") { $0.status == 503 && $0.body == "maintenance" }

        for path in ["/", "/orders/7", "/maintenance?x=1"] {
            let reply = try await Self.exchange(mesh.url + path)
            #expect(reply.status == 503 && reply.body == "maintenance", "\(path): \(reply.status) \(reply.body)")
        }
        try await mesh.harness.expectNoRejects()
    }
}
