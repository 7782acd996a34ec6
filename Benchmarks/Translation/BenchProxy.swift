import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2Posix
import SwiftProtobuf
import Synchronization
import XDS

/// One fake Envoy sidecar on its own connection: subscribes to CDS and LDS
/// (wildcard), then to EDS for the EDS clusters and RDS for the route tables it was
/// given (again whenever those change), ACKs every response at once and logs it.
struct BenchProxy {
    let index: Int
    let port: Int
    let log: ProxyLog

    typealias Request = Envoy_Service_Discovery_V3_DiscoveryRequest

    func run() async throws {
        try await withGRPCClient(
            transport: .http2NIOPosix(target: .ipv4(address: "127.0.0.1", port: port), transportSecurity: .plaintext)
        ) { client in
            let ads = Envoy_Service_Discovery_V3_AggregatedDiscoveryService.Client(wrapping: client)
            let (outbox, send) = AsyncStream<Request>.makeStream()
            var first = Request()
            first.node = BenchNodes.sidecar(index)
            first.typeURL = TypeURL.cluster.rawValue
            send.yield(first)
            var listeners = Request()
            listeners.typeURL = TypeURL.listener.rawValue
            send.yield(listeners)

            try await ads.streamAggregatedResources(
                options: { var options = CallOptions.defaults; options.maxResponseMessageBytes = 64 << 20; return options }()
            ) { writer in
                for await request in outbox {
                    try await writer.write(request)
                }
            } onResponse: { response in
                var subscriptions: [TypeURL: [String]] = [:]
                // Per type, the last response's version and nonce: a changed
                // subscription answers it, as Envoy's does (a request with an empty
                // nonce after a response is a stale one to the server).
                var last: [TypeURL: (version: String, nonce: String)] = [:]
                for try await message in response.messages {
                    let type = TypeURL(message.typeURL)
                    last[type] = (message.versionInfo, message.nonce)
                    var ack = Request()
                    ack.typeURL = message.typeURL
                    ack.versionInfo = message.versionInfo
                    ack.responseNonce = message.nonce
                    ack.resourceNames = subscriptions[type] ?? []
                    send.yield(ack)
                    let ackedAt = ContinuousClock.now
                    var follow: (TypeURL, [String])?
                    if type == .cluster {
                        follow = (.endpoint, try BenchNodes.edsClusterNames(message.resources))
                    } else if type == .listener {
                        follow = (.route, try BenchNodes.routeNames(message.resources))
                    }
                    // Envoy asks for nothing until it knows a name.
                    if let (followType, names) = follow, subscriptions[followType] != names,
                        !names.isEmpty || subscriptions[followType] != nil
                    {
                        subscriptions[followType] = names
                        var subscribe = Request()
                        subscribe.typeURL = followType.rawValue
                        subscribe.resourceNames = names
                        subscribe.versionInfo = last[followType]?.version ?? ""
                        subscribe.responseNonce = last[followType]?.nonce ?? ""
                        send.yield(subscribe)
                    }
                    log.record(
                        ProxyLog.Event(
                            proxy: index, type: type, at: ackedAt, resources: message.resources.count,
                            bytes: message.resources.reduce(0) { $0 + $1.value.count }))
                }
                send.finish()
            }
        }
    }
}

/// Every response every fake proxy ACKed, with when.
final class ProxyLog: Sendable {
    struct Event: Sendable {
        var proxy: Int
        var type: TypeURL
        var at: ContinuousClock.Instant
        var resources: Int
        var bytes: Int
    }

    private struct State {
        var events: [Event] = []
        /// Per proxy, the types it has ACKed a non-empty response of.
        var seen: [Int: Set<TypeURL>] = [:]
        var failures: [String] = []
    }

    private let state = Mutex(State())

    func record(_ event: Event) {
        state.withLock {
            $0.events.append(event)
            // Empty answers (before the server has read its directory) do not count.
            if event.resources > 0 { $0.seen[event.proxy, default: []].insert(event.type) }
        }
    }

    func failed(_ reason: String) { state.withLock { $0.failures.append(reason) } }

    var failures: [String] { state.withLock { $0.failures } }

    /// Proxies that have received clusters, listeners, endpoints and routes.
    var inSync: Int {
        state.withLock { $0.seen.values.filter { $0.isSuperset(of: [.cluster, .listener, .endpoint, .route]) }.count }
    }

    /// Events at or after `instant`.
    func events(since instant: ContinuousClock.Instant) -> [Event] {
        state.withLock { $0.events.filter { $0.at >= instant } }
    }

    /// Per proxy, the first ACK of `type` at or after `instant`.
    func firstACKs(of type: TypeURL, since instant: ContinuousClock.Instant) -> [Int: ContinuousClock.Instant] {
        state.withLock { state in
            var first: [Int: ContinuousClock.Instant] = [:]
            for event in state.events where event.type == type && event.at >= instant && first[event.proxy] == nil {
                first[event.proxy] = event.at
            }
            return first
        }
    }
}
