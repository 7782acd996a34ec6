#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The process's resource usage as Prometheus' standard `process_*` metrics report it.
struct ProcessStats: Sendable, Equatable {
    /// User plus system CPU time, in seconds.
    var cpuSeconds: Double
    /// Resident set size, in bytes.
    var residentMemoryBytes: Double
    /// Virtual memory size, in bytes.
    var virtualMemoryBytes: Double
    /// Start time since the Unix epoch, in seconds.
    var startTimeSeconds: Double
    /// Open file descriptors.
    var openFileDescriptors: Double
    /// The soft limit on open file descriptors; nil when unlimited.
    var maxFileDescriptors: Double?

    /// Reads the current values from `/proc` (Linux only; nil elsewhere or when
    /// `/proc` is not mounted).
    static func current() -> ProcessStats? {
        #if os(Linux)
        guard let stat = readFile("/proc/self/stat"),
            let systemStat = readFile("/proc/stat")
        else { return nil }
        let limits = readFile("/proc/self/limits") ?? ""
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        let pageSize = Double(sysconf(Int32(_SC_PAGESIZE)))
        return parse(
            stat: stat,
            systemStat: systemStat,
            limits: limits,
            openFileDescriptors: countEntries("/proc/self/fd"),
            ticksPerSecond: ticks,
            pageSize: pageSize
        )
        #else
        return nil
        #endif
    }

    /// Builds the stats from the text of `/proc/self/stat`, `/proc/stat` and
    /// `/proc/self/limits` (see proc(5)); separate from the reading so tests can
    /// pin it.
    static func parse(
        stat: String,
        systemStat: String,
        limits: String,
        openFileDescriptors: Int?,
        ticksPerSecond: Double,
        pageSize: Double
    ) -> ProcessStats? {
        // The command name (field 2) is in parentheses and may hold spaces, so
        // fields are counted from the last ')'. After it comes field 3 (state).
        guard let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ", omittingEmptySubsequences: true)
        func field(_ number: Int) -> Double? {
            let index = number - 3
            return fields.indices.contains(index) ? Double(fields[index]) : nil
        }
        guard let utime = field(14), let stime = field(15), let startTicks = field(22),
            let vsize = field(23), let rssPages = field(24),
            let bootTime = systemStat.split(separator: "\n").first(where: { $0.hasPrefix("btime ") })
                .flatMap({ Double($0.dropFirst("btime ".count).trimmingSpaces) }),
            ticksPerSecond > 0
        else { return nil }

        return ProcessStats(
            cpuSeconds: (utime + stime) / ticksPerSecond,
            residentMemoryBytes: rssPages * pageSize,
            virtualMemoryBytes: vsize,
            startTimeSeconds: bootTime + startTicks / ticksPerSecond,
            openFileDescriptors: Double(openFileDescriptors ?? 0),
            maxFileDescriptors: softLimit(named: "Max open files", in: limits)
        )
    }

    /// The soft limit column of a `/proc/self/limits` row.
    private static func softLimit(named name: String, in limits: String) -> Double? {
        guard let row = limits.split(separator: "\n").first(where: { $0.hasPrefix(name) }) else { return nil }
        let columns = row.dropFirst(name.count).split(separator: " ", omittingEmptySubsequences: true)
        return columns.first.flatMap { Double($0) }
    }

    #if os(Linux)
    /// Reads a whole file; `/proc` files report size 0, so this reads to EOF.
    private static func readFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                bytes.append(contentsOf: chunk[0..<count])
            } else if count == 0 {
                return String(decoding: bytes, as: UTF8.self)
            } else if errno != EINTR {
                return nil
            }
        }
    }

    /// Entries in a directory, not counting `.` and `..`.
    private static func countEntries(_ path: String) -> Int? {
        guard let directory = opendir(path) else { return nil }
        defer { closedir(directory) }
        var count = 0
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { count += 1 }
        }
        // The directory stream itself holds a descriptor while counting.
        return max(0, count - 1)
    }
    #endif
}

extension Substring {
    fileprivate var trimmingSpaces: Substring {
        var text = self
        while text.first == " " { text = text.dropFirst() }
        while text.last == " " || text.last == "\n" { text = text.dropLast() }
        return text
    }
}
