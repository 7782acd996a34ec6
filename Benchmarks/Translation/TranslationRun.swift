import ControlPlane
import Discovery
import Foundation
import Logging
import XDS

/// Times translation in-process for one mesh size: loading the directory into a
/// ConfigStore, building the PushContext, and generating every type for a sidecar
/// that sees the whole mesh and for a router bound to the Gateway, asking for
/// resources the way Envoy does (CDS and LDS wildcard, then EDS and RDS by name).
struct TranslationRun {
    let services: Int
    let rounds: Int
    let directory: URL

    /// One proxy's translation, per type and in total, with the resources' size.
    struct ProxyTiming {
        var seconds: [TypeURL: [Double]] = [:]
        var totals: [Double] = []
        var bytes = 0
        var counts: [TypeURL: Int] = [:]

        func median(_ type: TypeURL) -> Double { Stats.median(seconds[type] ?? []) }
        var total: Double { Stats.median(totals) }
    }

    struct Result {
        var services: Int
        var clusters: Int
        var loadSeconds: Double
        var buildSeconds: [Double]
        var sidecar: ProxyTiming
        var router: ProxyTiming
        var memory: MemoryProbe.Result?
    }

    static let order: [TypeURL] = [.cluster, .listener, .endpoint, .route, .secret]

    func run() throws -> Result {
        _ = try MeshFixture.write(services: services, to: directory)
        let loadStarted = ContinuousClock.now
        let snapshot = Self.load(directory)
        let loadSeconds = (ContinuousClock.now - loadStarted).seconds

        var started = ContinuousClock.now
        var context = PushContext(snapshot: snapshot)
        var builds = [(ContinuousClock.now - started).seconds]
        for _ in 1..<max(1, rounds) {
            started = ContinuousClock.now
            context = PushContext(snapshot: snapshot)
            builds.append((ContinuousClock.now - started).seconds)
        }
        let generator = MeshGenerator(context: context)
        let sidecar = try translate(generator, node: ProxyNode(BenchNodes.sidecar()))
        let router = try translate(generator, node: ProxyNode(BenchNodes.router()))
        return Result(
            services: services, clusters: sidecar.counts[.cluster] ?? 0, loadSeconds: loadSeconds,
            buildSeconds: builds, sidecar: sidecar, router: router, memory: nil)
    }

    /// The directory's objects in a fresh store, as `controld serve` would hold them.
    static func load(_ directory: URL) -> ConfigSnapshot {
        var logger = Logger(label: "translation-bench")
        logger.logLevel = .error
        let store = ConfigStore(logger: logger)
        let source = DirectorySource(root: directory.path, useInotify: false)
        for event in source.load() { store.ingest(event, from: source.name) }
        return store.snapshot
    }

    /// `rounds` full translations for `node`, each type timed on its own.
    func translate(_ generator: MeshGenerator, node: ProxyNode) throws -> ProxyTiming {
        var timing = ProxyTiming()
        for round in 0..<rounds {
            var names: [TypeURL: Set<String>] = [:]
            var total = 0.0
            var bytes = 0
            for type in Self.order {
                // EDS and RDS names come from the CDS and LDS output, as Envoy asks.
                let wanted: Set<String>? = type == .cluster || type == .listener ? nil : names[type] ?? []
                let started = ContinuousClock.now
                let resources = try generator.resources(type, for: node, names: wanted)
                let seconds = (ContinuousClock.now - started).seconds
                timing.seconds[type, default: []].append(seconds)
                total += seconds
                bytes += resources.reduce(0) { $0 + $1.payload.count }
                if round == 0 { timing.counts[type] = resources.count }
                switch type {
                case .cluster:
                    names[.endpoint] = Set(try BenchNodes.edsClusterNames(resources.map(\.any)))
                case .listener:
                    names[.route] = Set(try BenchNodes.routeNames(resources.map(\.any)))
                    // A sidecar asks for its certificates through the agent; a router
                    // would name `kubernetes://…` secrets only for TLS servers.
                    names[.secret] = ["default", "ROOTCA"]
                default:
                    break
                }
            }
            timing.totals.append(total)
            timing.bytes = bytes
        }
        return timing
    }
}

enum Stats {
    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? .nan : sorted[sorted.count / 2]
    }

    /// The smallest value with at least `p` of the values at or below it.
    static func percentile(_ values: [Double], _ p: Double) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        let index = min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)
        return sorted[max(0, index)]
    }
}

extension Duration {
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
