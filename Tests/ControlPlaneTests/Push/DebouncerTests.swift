import ControlPlane
import Testing

@Suite("Debouncer")
struct DebouncerTests {
    typealias Clock = ContinuousClock
    let start = ContinuousClock.now

    @Test("fires once changes have been quiet for the quiet period")
    func quiet() {
        var debouncer = Debouncer<ContinuousClock.Instant>(quiet: .milliseconds(100), maximum: .seconds(10))
        #expect(debouncer.deadline == nil)
        debouncer.record(at: start)
        debouncer.record(at: start + .milliseconds(60))
        #expect(debouncer.deadline == start + .milliseconds(160))
        #expect(debouncer.fire(at: start + .milliseconds(150)) == nil)
        #expect(debouncer.fire(at: start + .milliseconds(160)) == .milliseconds(160))
        #expect(debouncer.deadline == nil)
        #expect(debouncer.count == 0)
    }

    @Test("a steady trickle of changes still fires at the maximum after the first")
    func maximum() {
        var debouncer = Debouncer<ContinuousClock.Instant>(quiet: .milliseconds(100), maximum: .seconds(1))
        for step in 0..<20 { debouncer.record(at: start + .milliseconds(50 * step)) }
        #expect(debouncer.count == 20)
        #expect(debouncer.deadline == start + .seconds(1))
        #expect(debouncer.fire(at: start + .seconds(1)) == .seconds(1))
    }
}
