import Testing

@testable import Daemon

@Suite("Process metrics from /proc")
struct ProcessStatsTests {
    @Test("parses /proc/self/stat, /proc/stat and /proc/self/limits")
    func parse() throws {
        // A command name with spaces and parentheses, as proc(5) allows.
        let stat =
            "4242 (my (odd) name) S 1 4242 4242 0 -1 4194560 1000 0 0 0 250 50 0 0 20 0 8 0 12345 "
            + "1048576000 25600 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 1 0 0 0 0 0\n"
        let systemStat = "cpu  1 2 3 4\nbtime 1700000000\nprocesses 100\n"
        let limits = """
            Limit                     Soft Limit           Hard Limit           Units
            Max open files            1024                 524288               files
            """
        let stats = try #require(
            ProcessStats.parse(
                stat: stat, systemStat: systemStat, limits: limits, openFileDescriptors: 12,
                ticksPerSecond: 100, pageSize: 4096))
        #expect(stats.cpuSeconds == 3.0)
        #expect(abs(stats.startTimeSeconds - 1_700_000_123.45) < 1e-3)
        #expect(stats.virtualMemoryBytes == 1_048_576_000)
        #expect(stats.residentMemoryBytes == 25600 * 4096)
        #expect(stats.openFileDescriptors == 12)
        #expect(stats.maxFileDescriptors == 1024)
    }

    @Test("an unlimited descriptor limit is left out")
    func unlimited() throws {
        let stat = "1 (x) S " + Array(repeating: "1", count: 40).joined(separator: " ")
        let stats = ProcessStats.parse(
            stat: stat, systemStat: "btime 1\n", limits: "Max open files            unlimited            unlimited",
            openFileDescriptors: 1, ticksPerSecond: 100, pageSize: 4096)
        #expect(stats?.maxFileDescriptors == nil)
    }
}
