import AsyncHTTPClient
import Foundation
import Testing

/// Issue #7's mesh: three sidecars with certificates from their own agents —
/// `frontend` and `backend` in namespace `default`, an `outsider` in `other` — all
/// `captureMode: NONE` on their own loopback addresses. The backend's sidecar
/// terminates mTLS in front of a recording backend; the frontend and the outsider
/// reach it through their egress listeners (auto mTLS with their own identities).
/// Security resources go in `policy.yaml`, which tests rewrite.
struct PolicyTrio {
    /// The methods the tests send.
    enum RequestMethod: String {
        case GET, POST, DELETE
    }

    let mesh: SecureMesh
    let frontend: AgentSidecar
    let backend: AgentSidecar
    let outsider: AgentSidecar
    let app: ScriptedBackend
    let port: Int

    static let host = "backend.default.svc.cluster.local"

    /// `127.0.7.(base+1...4)`: frontend, backend sidecar, outsider, backend app.
    static func start(_ name: String, base: Int, policy: String) async throws -> PolicyTrio {
        let address = { (offset: Int) in "127.0.7.\(base + offset)" }
        let mesh = try await SecureMesh(name, workloadCertTTL: "1h")
        let app = try ScriptedBackend(name: "backend", host: address(4), directory: mesh.scratch.url)
        try await app.waitUntilServing()
        let port = try LocalPorts.free(host: address(2))
        try mesh.write(
            yaml(frontend: address(1), backend: address(2), outsider: address(3), app: app, port: port), to: "mesh.yaml")
        try mesh.write(policy, to: "policy.yaml")
        let tlsMode = ["security.istio.io/tlsMode": "istio"]
        let frontend = try await mesh.sidecar(
            "frontend", ip: address(1), labels: ["app": "frontend"].merging(tlsMode) { $1 }, certTTL: "1h")
        let backend = try await mesh.sidecar(
            "backend", ip: address(2), labels: ["app": "backend"].merging(tlsMode) { $1 }, certTTL: "1h")
        let outsider = try await mesh.sidecar(
            "outsider", ip: address(3), labels: ["app": "outsider"].merging(tlsMode) { $1 }, namespace: "other",
            certTTL: "1h")
        let trio = PolicyTrio(mesh: mesh, frontend: frontend, backend: backend, outsider: outsider, app: app, port: port)
        // Routed end to end once the frontend's listener, cluster and mTLS are in.
        _ = try await SecureMesh.eventually("the frontend reaching the backend", within: .seconds(90)) {
            try await trio.send(.GET, "/ready-check", from: frontend).status != 503
        }
        return trio
    }

    /// A request through `sidecar`'s egress listener to the backend service.
    func send(
        _ method: RequestMethod, _ path: String, from sidecar: AgentSidecar, headers: [(String, String)] = []
    ) async throws -> HTTP.Reply {
        try await Self.send(method, "http://\(sidecar.ip):\(port)\(path)", headers: [("host", "\(Self.host):\(port)")] + headers)
    }

    /// A plaintext request straight to the backend sidecar's inbound listener, as a
    /// caller outside the mesh would make it.
    func sendDirect(_ path: String) async throws -> HTTP.Reply {
        try await Self.send(.GET, "http://\(backend.ip):\(port)\(path)", headers: [])
    }

    static func send(_ method: RequestMethod, _ url: String, headers: [(String, String)]) async throws -> HTTP.Reply {
        var request = HTTPClientRequest(url: url)
        request.method = .init(rawValue: method.rawValue)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 20)
        return HTTP.Reply(
            status: Int(response.status.code), contentType: response.headers.first(name: "content-type"),
            body: body.getString(at: body.readerIndex, length: body.readableBytes) ?? "")
    }

    /// Waits until `path` sent by `method` from `sidecar` answers `status` (a policy
    /// change takes a push to arrive).
    func waitFor(
        _ status: Int, _ path: String, method: RequestMethod = .GET, from sidecar: AgentSidecar,
        headers: [(String, String)] = [], sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        var last = "no answer"
        let reached = try await SecureMesh.eventually(
            "\(status) for \(method) \(path) from \(sidecar.name)", within: .seconds(30), sourceLocation: sourceLocation
        ) {
            let reply = try await send(method, path, from: sidecar, headers: headers)
            last = "\(reply.status) \(reply.body)"
            return reply.status == status
        }
        if !reached { Issue.record("last answer: \(last)", sourceLocation: sourceLocation) }
    }

    private static func yaml(frontend: String, backend: String, outsider: String, app: ScriptedBackend, port: Int) -> String {
        """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: backend, namespace: default}
        spec:
          hosts: [\(host)]
          location: MESH_INTERNAL
          ports: [{number: \(port), name: http, protocol: HTTP}]
          resolution: STATIC
          workloadSelector: {labels: {app: backend}}
        ---
        apiVersion: networking.istio.io/v1
        kind: WorkloadEntry
        metadata: {name: backend, namespace: default}
        spec:
          address: \(backend)
          ports: {http: \(port)}
          labels: {app: backend, security.istio.io/tlsMode: istio}
          serviceAccount: backend
        ---
        apiVersion: networking.istio.io/v1
        kind: Sidecar
        metadata: {name: frontend, namespace: default}
        spec:
          workloadSelector: {labels: {app: frontend}}
          egress:
          - port: {number: \(port), protocol: HTTP, name: http}
            bind: \(frontend)
            captureMode: NONE
            hosts: ["./*"]
        ---
        apiVersion: networking.istio.io/v1
        kind: Sidecar
        metadata: {name: outsider, namespace: other}
        spec:
          workloadSelector: {labels: {app: outsider}}
          egress:
          - port: {number: \(port), protocol: HTTP, name: http}
            bind: \(outsider)
            captureMode: NONE
            hosts: ["default/*"]
        ---
        apiVersion: networking.istio.io/v1
        kind: Sidecar
        metadata: {name: backend, namespace: default}
        spec:
          workloadSelector: {labels: {app: backend}}
          ingress:
          - port: {number: \(port), protocol: HTTP, name: http}
            bind: \(backend)
            defaultEndpoint: \(app.host):\(app.port)
            captureMode: NONE
        """
    }
}
