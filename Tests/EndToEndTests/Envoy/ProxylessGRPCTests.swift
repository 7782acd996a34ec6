import Foundation
import SwiftProtobuf
import Synchronization
import Testing
import XDS

/// The xDS server against gRPC's own xDS client (C-core, from PyPI `grpcio`): a
/// proxyless client resolves `xds:///greeter.mesh:7070` through an api_listener, its
/// route, an EDS cluster and endpoints, and its RPCs reach a local gRPC server.
@Suite("gRPC proxyless client")
struct ProxylessGRPCTests {
    @Test func grpcClientResolvesThroughADSAndCallsTheBackend() async throws {
        let scratch = try ScratchDirectory("grpc-xds")
        let backendPort = try LocalPorts.free()
        let provider = ProxylessProvider(target: "greeter.mesh:7070", backend: ("127.0.0.1", backendPort))
        let xdsPort = try LocalPorts.free()
        let nodeID = "sidecar~127.0.0.1~grpc-client.default~default.svc.cluster.local"

        try await withADSServer(provider: provider, port: xdsPort) { server in
            let peer = Venv.root.appendingPathComponent("tests/peers/grpc_xds_peer.py")
            let client = try ChildProcess(
                name: "grpc-client",
                executable: Venv.python,
                arguments: [
                    peer.path, "--xds-server", "127.0.0.1:\(xdsPort)", "--node-id", nodeID,
                    "--target", "greeter.mesh:7070", "--backend", "127.0.0.1:\(backendPort)", "--calls", "3", "--linger", "30",
                ],
                directory: scratch.url
            )
            defer { client.stop() }
            let answers = { client.output.split(separator: "\n").filter { $0.hasPrefix("backend:") } }
            try await eventually("three answers from the backend", within: .seconds(90)) {
                answers().count == 3 || !client.process.isRunning
            }
            #expect(answers() == ["backend:hello-0", "backend:hello-1", "backend:hello-2"], "\(client.output)")

            // While it stays connected: every type it asked for is ACKed.
            try await eventually("the client in sync") {
                server.states(of: nodeID) == EnvoyADSTests.allSynced
            }
            #expect(server.syncStatus().first { $0.proxyID == nodeID }?.protocolVariant == "sotw")
        }
    }
}

/// What istiod serves a proxyless gRPC client: a Listener named after the dialled
/// target whose api_listener is an HTTP connection manager using RDS, the route to an
/// EDS cluster, and the cluster's endpoints.
final class ProxylessProvider: ResourceProvider {
    let target: String
    let backend: (host: String, port: Int)
    var clusterName: String { "outbound|7070||greeter.mesh" }
    var routeName: String { target }

    init(target: String, backend: (host: String, port: Int)) {
        self.target = target
        self.backend = backend
    }

    var typeURLs: Set<TypeURL> { [.cluster, .endpoint, .listener, .route] }

    func resources(_ typeURL: TypeURL, for proxy: ProxyNode, names: Set<String>?) async throws -> [XDSResource] {
        let all: [XDSResource]
        switch typeURL {
        case .listener:
            let manager = try FixtureProvider.connectionManager(routeName: routeName)
            var listener = Envoy_Config_Listener_V3_Listener()
            listener.name = target
            listener.apiListener.apiListener = try XDSResource.pack(manager)
            all = [try XDSResource(name: target, message: listener)]
        case .route:
            var route = FixtureProvider.route()
            route.name = routeName
            route.virtualHosts[0].routes[0].route.cluster = clusterName
            all = [try XDSResource(name: routeName, message: route)]
        case .cluster:
            var cluster = FixtureProvider.cluster()
            cluster.name = clusterName
            all = [try XDSResource(name: clusterName, message: cluster)]
        case .endpoint:
            var assignment = FixtureProvider.endpoints(.init(listenerPort: 0, endpoints: [backend]))
            assignment.clusterName = clusterName
            // gRPC, unlike Envoy, ignores localities without a weight.
            assignment.endpoints[0].locality.region = "local"
            assignment.endpoints[0].loadBalancingWeight = Google_Protobuf_UInt32Value(1)
            all = [try XDSResource(name: clusterName, message: assignment)]
        default:
            all = []
        }
        return all.filter { names?.contains($0.name) ?? true }
    }
}
