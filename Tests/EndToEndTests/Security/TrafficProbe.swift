import Foundation

/// Requests sent one after another, for as long as a test watches something else
/// happen (a renewal, a restart, a root rotation), each failure kept with its time.
final class TrafficProbe {
    /// What the probe saw.
    struct Tally: Sendable, CustomStringConvertible {
        var succeeded = 0
        /// "TIME STATUS BODY" or "TIME error", one per failed request.
        var failures: [String] = []
        /// When each failure happened, in order.
        var failureTimes: [Date] = []
        var description: String { "\(succeeded) succeeded, \(failures.count) failed: \(failures.prefix(10))" }

        mutating func failed(_ what: String) {
            let now = Date()
            failures.append("\(now) \(what)")
            failureTimes.append(now)
        }
    }

    private let task: Task<Tally, Never>

    /// Starts sending GETs to `url` until ``stop()``, pausing `interval` between them;
    /// a request counts as good when it answers 200 with `body`.
    init(url: String, headers: [(String, String)], body: String, interval: Duration = .milliseconds(50)) {
        task = Task {
            var tally = Tally()
            while !Task.isCancelled {
                do {
                    let reply = try await MeshHarness.request(url, headers: headers, timeout: 10)
                    if reply.status == 200 && reply.body == body {
                        tally.succeeded += 1
                    } else {
                        tally.failed("\(reply.status) \(reply.body.prefix(200))")
                    }
                } catch {
                    // Cancelling the probe interrupts its last request: not a failure.
                    if Task.isCancelled { break }
                    tally.failed("\(error)")
                }
                try? await Task.sleep(for: interval)
            }
            return tally
        }
    }

    /// Stops sending and returns what was seen.
    func stop() async -> Tally {
        task.cancel()
        return await task.value
    }
}
