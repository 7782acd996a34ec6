public import Discovery
import Foundation
public import Logging
public import Metrics
import Synchronization
public import XDS

/// Turns configuration changes into pushes: follows the ConfigStore's events,
/// debounces them, builds a new PushContext, works out what the change concerns
/// and asks the XDS server to push exactly that.
public final class PushController: Sendable {
    /// Debounce and translation settings.
    public struct Settings: Sendable, Equatable {
        public var debounceAfter: Duration = .milliseconds(100)
        public var debounceMax: Duration = .seconds(10)
        public var mesh = MeshConfig()
        public var clusterDomain = "cluster.local"
        public init() {}
    }

    /// The last push, for `/debug/push_status`.
    public struct PushStatus: Sendable, Codable, Equatable {
        public var time: Date
        public var reason: String
        public var configVersion: Int
        public var changes: Int
        public var proxies: Int
        public var types: [String]
        public var debounceSeconds: Double
        public var buildSeconds: Double
        public var services: Int
    }

    private struct State {
        var debouncer: Debouncer<ContinuousClock.Instant>
        var pending: [ConfigEvent] = []
        var firstTrigger: ContinuousClock.Instant?
        var lastPush: PushStatus?
    }

    public let provider: MeshProvider
    private let store: ConfigStore
    private let server: XDSServer
    private let settings: Settings
    private let state: Mutex<State>
    private let logger: Logger
    private let metricsFactory: any MetricsFactory

    /// A controller over `store` feeding `server`; `provider` is the server's provider.
    public init(
        store: ConfigStore, server: XDSServer, provider: MeshProvider, settings: Settings,
        metricsFactory: any MetricsFactory = MetricsSystem.factory, logger: Logger = Logger(label: "push")
    ) {
        self.store = store
        self.server = server
        self.provider = provider
        self.settings = settings
        self.state = Mutex(State(debouncer: Debouncer(quiet: settings.debounceAfter, maximum: settings.debounceMax)))
        self.logger = logger
        self.metricsFactory = metricsFactory
    }

    /// A provider with an empty mesh for the server to start with, holding every
    /// request until ``run(waitingFor:)`` has built the first complete context.
    public static func makeProvider(settings: Settings) -> MeshProvider {
        MeshProvider(
            context: PushContext(snapshot: ConfigSnapshot(), mesh: settings.mesh, clusterDomain: settings.clusterDomain),
            open: false)
    }

    public var lastPush: PushStatus? { state.withLock { $0.lastPush } }

    /// Follows the store until cancelled. The first context is built once
    /// `sourcesSynced` returns (every source has read its first complete state, as
    /// istiod waits for its informers), and only then are proxies answered.
    public func run(waitingFor sourcesSynced: @Sendable () async -> Void = {}) async {
        await sourcesSynced()
        let events = store.events()
        // Whatever the store held before we subscribed counts as a change.
        rebuild(events: [], reason: "config", debounced: .zero, changes: 0)
        provider.open()
        let (wake, wakeUp) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        await withDiscardingTaskGroup { group in
            group.addTask {
                for await event in events {
                    self.state.withLock { state in
                        let now = ContinuousClock.now
                        if state.pending.isEmpty { state.firstTrigger = now }
                        state.debouncer.record(at: now)
                        state.pending.append(event)
                    }
                    wakeUp.yield()
                }
                wakeUp.finish()
            }
            group.addTask {
                for await _ in wake {
                    await self.drain()
                }
            }
        }
    }

    /// Waits for the pending changes to come due, then pushes them.
    private func drain() async {
        while !Task.isCancelled {
            guard let deadline = state.withLock({ $0.debouncer.deadline }) else { return }
            if ContinuousClock.now < deadline {
                try? await Task.sleep(until: deadline, clock: .continuous)
                continue
            }
            let due = state.withLock { state -> (events: [ConfigEvent], waited: Duration, triggered: ContinuousClock.Instant)? in
                guard let waited = state.debouncer.fire(at: .now) else { return nil }
                defer {
                    state.pending = []
                    state.firstTrigger = nil
                }
                return (state.pending, waited, state.firstTrigger ?? .now)
            }
            guard let due else { continue }
            rebuild(events: due.events, reason: nil, debounced: due.waited, changes: due.events.count, triggeredAt: due.triggered)
        }
    }

    private func rebuild(
        events: [ConfigEvent], reason: String?, debounced: Duration, changes: Int,
        triggeredAt: ContinuousClock.Instant = .now
    ) {
        let started = ContinuousClock.now
        let before = provider.context
        let after = PushContext(snapshot: store.snapshot, mesh: settings.mesh, clusterDomain: settings.clusterDomain)
        var scope = events.isEmpty ? PushScope.full() : PushScope.of(events, before: before, after: after)
        if let reason { scope.reason = reason }
        provider.context = after
        let built = started.duration(to: .now)

        Timer(label: "pilot_pushcontext_init_seconds", dimensions: [], factory: metricsFactory).recordNanoseconds(built.nanoseconds)
        Timer(label: "pilot_debounce_time", dimensions: [], factory: metricsFactory).recordNanoseconds(debounced.nanoseconds)
        Gauge(label: "pilot_services", dimensions: [], factory: metricsFactory).record(after.registry.services.count)
        Counter(label: "pilot_push_triggers", dimensions: [("type", scope.reason)], factory: metricsFactory).increment()

        let types = scope.types.filter { $0.value.map { !$0.isEmpty } ?? true }
        var proxies = 0
        if !types.isEmpty {
            let namespaces = scope.namespaces
            proxies = server.push(
                PushRequest(
                    types: types, reason: scope.reason, triggeredAt: triggeredAt,
                    selects: { proxy in namespaces.map { $0.contains(MeshProxy(proxy).namespace) } ?? true }))
        }
        let status = PushStatus(
            time: Date(), reason: scope.reason, configVersion: after.version, changes: changes, proxies: proxies,
            types: types.keys.sorted().map(\.shortName), debounceSeconds: debounced.seconds,
            buildSeconds: built.seconds, services: after.registry.services.count)
        state.withLock { $0.lastPush = status }
        logger.debug(
            "push", metadata: ["reason": "\(scope.reason)", "version": "\(after.version)", "proxies": "\(proxies)", "types": "\(status.types)"])
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
