import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2Posix
import SwiftProtobuf
import Synchronization
import XDS

typealias TLSSecret = Envoy_Extensions_TransportSockets_Tls_V3_Secret

/// An SDS client on the agent's Unix socket, acting as Envoy does: it subscribes to
/// `default` and `ROOTCA` over a state-of-the-world stream and ACKs every response.
final class SDSWatcher: Sendable {
    static let nodeID = "sidecar~127.0.0.1~reviews-v1.demo~demo.svc.cluster.local"

    /// Every secret received, in arrival order.
    let received = Mutex<[TLSSecret]>([])

    /// The latest secret named `name`.
    func latest(_ name: String) -> TLSSecret? {
        received.withLock { $0.last { $0.name == name } }
    }

    /// Every version of `name` received.
    func all(_ name: String) -> [TLSSecret] {
        received.withLock { $0.filter { $0.name == name } }
    }

    /// Streams until cancelled or the server ends the stream; retries the connection
    /// while the socket does not exist yet.
    func run(socket: String) async throws {
        while !FileManager.default.fileExists(atPath: socket) {
            try await Task.sleep(for: .milliseconds(20))
        }
        let transport = try HTTP2ClientTransport.Posix(target: .unixDomainSocket(path: socket), transportSecurity: .plaintext)
        try await withGRPCClient(transport: transport) { client in
            let sds = Envoy_Service_Secret_V3_SecretDiscoveryService.Client(wrapping: client)
            let (acks, continuation) = AsyncStream<Envoy_Service_Discovery_V3_DiscoveryRequest>.makeStream()
            let names = ["default", "ROOTCA"]
            var first = Envoy_Service_Discovery_V3_DiscoveryRequest()
            first.node.id = Self.nodeID
            first.node.cluster = "reviews.demo"
            first.typeURL = TypeURL.secret.rawValue
            first.resourceNames = names
            let opening = first
            try await sds.streamSecrets(
                request: StreamingClientRequest { writer in
                    try await writer.write(opening)
                    for await ack in acks { try await writer.write(ack) }
                },
                onResponse: { response in
                    for try await message in response.messages {
                        let secrets = try message.resources.map { try TLSSecret(unpackingAny: $0) }
                        self.received.withLock { $0.append(contentsOf: secrets) }
                        var ack = Envoy_Service_Discovery_V3_DiscoveryRequest()
                        ack.typeURL = message.typeURL
                        ack.versionInfo = message.versionInfo
                        ack.responseNonce = message.nonce
                        ack.resourceNames = names
                        continuation.yield(ack)
                    }
                    continuation.finish()
                }
            )
        }
    }
}

/// Polls `condition` every 50 ms until it holds, failing after `timeout`.
func eventually(
    within timeout: Duration,
    _ what: String,
    _ condition: () throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try condition() { return }
        try await Task.sleep(for: .milliseconds(50))
    }
    struct Timeout: Error, CustomStringConvertible { var description: String }
    throw Timeout(description: "timed out after \(timeout) waiting for \(what)")
}
