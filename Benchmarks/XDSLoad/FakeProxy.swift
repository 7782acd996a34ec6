import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2Posix
import SwiftProtobuf
import Synchronization
import XDS

/// One fake proxy: an ADS stream that subscribes the way Envoy does (CDS and LDS
/// wildcard, then EDS for the clusters and RDS for the routes it learns) and ACKs
/// every response at once.
struct FakeProxy {
    let index: Int
    let port: Int
    let progress: LoadProgress

    typealias Request = Envoy_Service_Discovery_V3_DiscoveryRequest

    func run() async throws {
        try await withGRPCClient(
            transport: .http2NIOPosix(target: .ipv4(address: "127.0.0.1", port: port), transportSecurity: .plaintext)
        ) { client in
            let ads = Envoy_Service_Discovery_V3_AggregatedDiscoveryService.Client(wrapping: client)
            let (outbox, send) = AsyncStream<Request>.makeStream()
            var node = Envoy_Config_Core_V3_Node()
            node.id = "sidecar~127.0.0.1~load-\(index).load~load.svc.cluster.local"
            node.metadata.fields["NAMESPACE"] = Google_Protobuf_Value(stringValue: "load")
            var first = Request()
            first.node = node
            first.typeURL = TypeURL.cluster.rawValue
            send.yield(first)
            var listeners = Request()
            listeners.typeURL = TypeURL.listener.rawValue
            send.yield(listeners)

            try await ads.streamAggregatedResources { writer in
                for await request in outbox {
                    try await writer.write(request)
                }
            } onResponse: { response in
                var subscriptions: [String: [String]] = [:]
                var ready = false
                for try await message in response.messages {
                    let type = TypeURL(message.typeURL)
                    var newSubscription: (TypeURL, [String])?
                    if type == .cluster && subscriptions[TypeURL.endpoint.rawValue] == nil {
                        let names = try message.resources.map { try Envoy_Config_Cluster_V3_Cluster(unpackingAny: $0).name }
                        newSubscription = (.endpoint, names.sorted())
                    }
                    if type == .listener && subscriptions[TypeURL.route.rawValue] == nil {
                        newSubscription = (.route, ["8080"])
                    }
                    var ack = Request()
                    ack.typeURL = message.typeURL
                    ack.versionInfo = message.versionInfo
                    ack.responseNonce = message.nonce
                    ack.resourceNames = subscriptions[message.typeURL] ?? []
                    send.yield(ack)
                    if let (type, names) = newSubscription {
                        subscriptions[type.rawValue] = names
                        var subscribe = Request()
                        subscribe.typeURL = type.rawValue
                        subscribe.resourceNames = names
                        send.yield(subscribe)
                    }
                    progress.received(bytes: message.serializedBytesCount)
                    if type == .endpoint && !ready {
                        ready = true
                        progress.ready()
                    }
                }
                send.finish()
            }
        }
    }
}

/// Counters shared by all fake proxies.
final class LoadProgress: Sendable {
    private let state = Mutex((ready: 0, bytes: 0, failed: 0))

    func ready() { state.withLock { $0.ready += 1 } }
    func failed() { state.withLock { $0.failed += 1 } }
    func received(bytes: Int) { state.withLock { $0.bytes += bytes } }
    var snapshot: (ready: Int, bytes: Int, failed: Int) { state.withLock { $0 } }
}

extension Envoy_Service_Discovery_V3_DiscoveryResponse {
    var serializedBytesCount: Int { resources.reduce(0) { $0 + $1.value.count } }
}
