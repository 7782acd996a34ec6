import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2Posix
import SwiftProtobuf
import Synchronization
import XDS

/// An SDS client on the agent's Unix socket speaking the incremental protocol
/// (`DeltaSecrets`), as Envoy does with `api_type: DELTA_GRPC`: it subscribes to
/// `default` and `ROOTCA`, ACKs every response, and lets the test change its
/// subscriptions while the stream is open.
final class DeltaSDSWatcher: Sendable {
    /// One response as received.
    struct Response: Sendable {
        var nonce: String
        /// The secrets sent, with the version the server gave each.
        var secrets: [(name: String, version: String, secret: TLSSecret)]
        var removed: [String]

        var names: [String] { secrets.map(\.name) }
    }

    /// Every response, in arrival order.
    let responses = Mutex<[Response]>([])
    private let outbox: AsyncStream<Envoy_Service_Discovery_V3_DeltaDiscoveryRequest>
    private let send: AsyncStream<Envoy_Service_Discovery_V3_DeltaDiscoveryRequest>.Continuation

    init() {
        (outbox, send) = AsyncStream.makeStream()
    }

    /// Every version of `name` received, in order.
    func all(_ name: String) -> [(version: String, secret: TLSSecret)] {
        responses.withLock { responses in
            responses.flatMap { $0.secrets.filter { $0.name == name }.map { ($0.version, $0.secret) } }
        }
    }

    /// Whether a response has reported `name` removed (or absent).
    func removed(_ name: String) -> Bool {
        responses.withLock { $0.contains { $0.removed.contains(name) } }
    }

    /// Changes the subscription on the open stream.
    func change(subscribe: [String] = [], unsubscribe: [String] = []) {
        var request = Envoy_Service_Discovery_V3_DeltaDiscoveryRequest()
        request.typeURL = TypeURL.secret.rawValue
        request.resourceNamesSubscribe = subscribe
        request.resourceNamesUnsubscribe = unsubscribe
        send.yield(request)
    }

    /// Streams until cancelled or the server ends the stream; waits for the socket
    /// to exist first.
    func run(socket: String, subscribe: [String] = ["default", "ROOTCA"]) async throws {
        while !FileManager.default.fileExists(atPath: socket) {
            try await Task.sleep(for: .milliseconds(20))
        }
        let transport = try HTTP2ClientTransport.Posix(target: .unixDomainSocket(path: socket), transportSecurity: .plaintext)
        var first = Envoy_Service_Discovery_V3_DeltaDiscoveryRequest()
        first.node.id = SDSWatcher.nodeID
        first.node.cluster = "reviews.demo"
        first.typeURL = TypeURL.secret.rawValue
        first.resourceNamesSubscribe = subscribe
        let opening = first
        let outbox = self.outbox
        let send = self.send
        try await withGRPCClient(transport: transport) { client in
            let sds = Envoy_Service_Secret_V3_SecretDiscoveryService.Client(wrapping: client)
            try await sds.deltaSecrets(
                request: StreamingClientRequest { writer in
                    try await writer.write(opening)
                    for await request in outbox { try await writer.write(request) }
                },
                onResponse: { response in
                    for try await message in response.messages {
                        let secrets = try message.resources.map { resource in
                            (name: resource.name, version: resource.version,
                             secret: try TLSSecret(unpackingAny: resource.resource))
                        }
                        self.responses.withLock {
                            $0.append(Response(nonce: message.nonce, secrets: secrets, removed: message.removedResources))
                        }
                        var ack = Envoy_Service_Discovery_V3_DeltaDiscoveryRequest()
                        ack.typeURL = message.typeURL
                        ack.responseNonce = message.nonce
                        send.yield(ack)
                    }
                    send.finish()
                }
            )
        }
    }
}
