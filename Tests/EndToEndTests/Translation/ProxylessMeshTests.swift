import Foundation
import Testing

/// gRPC's own xDS client (C-core, from PyPI `grpcio`) as a proxyless mesh client of
/// the real `controld serve`: it dials `xds:///HOST:PORT`, gets the listener, route,
/// cluster and endpoints translated from a ServiceEntry, and its RPCs arrive.
@Suite("Proxyless gRPC against serve")
struct ProxylessMeshTests {
    @Test("a gRPC client dialling xds:///greeter.default.svc.cluster.local:7070 reaches the ServiceEntry's endpoint")
    func proxylessClientCalls() async throws {
        let harness = try await MeshHarness("proxyless-mesh")
        let backendPort = try LocalPorts.free()
        try harness.write(
            """
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata: {name: greeter, namespace: default}
            spec:
              hosts: [greeter.default.svc.cluster.local]
              location: MESH_INTERNAL
              resolution: STATIC
              ports: [{number: 7070, name: grpc, protocol: GRPC}]
              endpoints: [{address: 127.0.0.1, ports: {grpc: \(backendPort)}}]
            ---
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: greeter, namespace: default}
            spec:
              hosts: [greeter]
              http: [{route: [{destination: {host: greeter}}], timeout: 20s}]
            """, to: "greeter.yaml")
        try await eventually("the ServiceEntry translated", within: .seconds(30)) {
            (try? await HTTP.get("http://\(harness.monitoring)/debug/push_status").body.contains("\"services\" : 1")) == true
        }
        let peer = Venv.root.appendingPathComponent("tests/peers/grpc_xds_peer.py")
        let client = try ChildProcess(
            name: "grpc-client",
            executable: Venv.python,
            arguments: [
                peer.path, "--xds-server", "127.0.0.1:\(harness.xdsPort)",
                "--node-id", "sidecar~127.0.0.1~grpc-client.default~default.svc.cluster.local",
                "--target", "greeter.default.svc.cluster.local:7070", "--backend", "127.0.0.1:\(backendPort)",
                "--calls", "3", "--linger", "10",
            ],
            directory: harness.scratch.url)
        defer { client.stop() }
        let answers = { client.output.split(separator: "\n").filter { $0.hasPrefix("backend:") } }
        try await eventually("three answers through the mesh", within: .seconds(90)) {
            answers().count == 3 || !client.process.isRunning
        }
        #expect(answers() == ["backend:hello-0", "backend:hello-1", "backend:hello-2"], "\(client.output)")
        try await harness.expectNoRejects()
    }
}
