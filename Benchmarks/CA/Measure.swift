import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// One timed round: `callers` loops calling the body until the time is up.
struct Round: Sendable {
    var completed: Int
    var failed: Int
    var firstFailure: String?
    /// Wall time from the start until the last caller finished.
    var wall: Double
    /// CPU time (user + system) this process spent meanwhile, all threads: on a
    /// shared machine this is steadier than wall time.
    var cpu: Double
    /// Every completed call's latency, seconds.
    var latencies: [Double]

    var rate: Double { Double(completed) / wall }
    var cpuPerCall: Double { cpu / Double(max(completed, 1)) }
}

/// Medians over rounds, as every table here reports them: the machines are shared
/// and noisy.
struct Series: Sendable {
    var rounds: [Round]

    var rate: Double { Stats.median(rounds.map(\.rate)) }
    var cpuPerCall: Double { Stats.median(rounds.map(\.cpuPerCall)) }
    var p50: Double { Stats.median(rounds.map { Stats.percentile($0.latencies, 0.5) }) }
    var p99: Double { Stats.median(rounds.map { Stats.percentile($0.latencies, 0.99) }) }
    var failed: Int { rounds.reduce(0) { $0 + $1.failed } }
    var firstFailure: String? { rounds.lazy.compactMap(\.firstFailure).first }
}

enum Measure {
    /// Runs `rounds` rounds of `duration` each.
    static func series(
        rounds: Int, duration: Duration, callers: Int,
        _ body: @escaping @Sendable (_ caller: Int, _ iteration: Int) async throws -> Void
    ) async -> Series {
        var all: [Round] = []
        for _ in 0..<rounds {
            all.append(await round(duration: duration, callers: callers, body))
        }
        return Series(rounds: all)
    }

    /// `callers` concurrent loops, each calling `body` one call at a time until
    /// `duration` has passed.
    static func round(
        duration: Duration, callers: Int,
        _ body: @escaping @Sendable (_ caller: Int, _ iteration: Int) async throws -> Void
    ) async -> Round {
        let clock = ContinuousClock()
        let cpuStart = processCPUSeconds()
        let start = clock.now
        let deadline = start + duration
        let parts = await withTaskGroup(of: Round.self) { group in
            for caller in 0..<callers {
                group.addTask {
                    var part = Round(completed: 0, failed: 0, wall: 0, cpu: 0, latencies: [])
                    var iteration = caller * 1_000_003
                    while clock.now < deadline {
                        let began = clock.now
                        do {
                            try await body(caller, iteration)
                            part.completed += 1
                            part.latencies.append(seconds(clock.now - began))
                        } catch {
                            part.failed += 1
                            if part.firstFailure == nil { part.firstFailure = "\(error)" }
                        }
                        iteration += 1
                    }
                    return part
                }
            }
            var parts: [Round] = []
            for await part in group { parts.append(part) }
            return parts
        }
        let wall = seconds(clock.now - start)
        let cpu = processCPUSeconds() - cpuStart
        return Round(
            completed: parts.reduce(0) { $0 + $1.completed }, failed: parts.reduce(0) { $0 + $1.failed },
            firstFailure: parts.lazy.compactMap(\.firstFailure).first, wall: wall, cpu: cpu,
            latencies: parts.flatMap(\.latencies))
    }

    /// The median duration of `body`, run repeatedly for about `duration`
    /// (for the per-stage breakdown, one step at a time).
    static func median(for duration: Duration, _ body: () throws -> Void) rethrows -> Double {
        let clock = ContinuousClock()
        let deadline = clock.now + duration
        var samples: [Double] = []
        while clock.now < deadline || samples.count < 5 {
            let began = clock.now
            try body()
            samples.append(seconds(clock.now - began))
        }
        return Stats.median(samples)
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

/// CPU time (user + system) used by this process, or by its children that have
/// finished (the openssl runs).
func processCPUSeconds(children: Bool = false) -> Double {
    var usage = rusage()
    getrusage(children ? RUSAGE_CHILDREN.rawValue : RUSAGE_SELF.rawValue, &usage)
    func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

enum Stats {
    static func median(_ values: [Double]) -> Double {
        percentile(values, 0.5)
    }

    /// Nearest-rank percentile; NaN for no values.
    static func percentile(_ values: [Double], _ fraction: Double) -> Double {
        guard !values.isEmpty else { return .nan }
        let sorted = values.sorted()
        let rank = Int((fraction * Double(sorted.count)).rounded(.up)) - 1
        return sorted[min(max(rank, 0), sorted.count - 1)]
    }
}
