import ControlPlane
import Discovery
import Foundation
#if canImport(Glibc)
    import Glibc
#endif

/// The memory a PushContext holds, measured in a child process (`translation-bench
/// memory`) so nothing else the benchmark allocated is counted: resident memory
/// after loading the store and holding its snapshot, then after building a
/// PushContext from it and holding both. Freed heap is returned to the system
/// (`malloc_trim`) before each reading, so the difference is what stays allocated.
enum MemoryProbe {
    struct Result {
        var baseline: Int
        var withSnapshot: Int
        var withContext: Int
        var snapshot: Int { withSnapshot - baseline }
        var context: Int { withContext - withSnapshot }
    }

    /// Runs in the child: prints one JSON line.
    static func measure(directory: URL) {
        let baseline = residentBytes()
        let snapshot = TranslationRun.load(directory)
        let withSnapshot = residentBytes()
        let context = PushContext(snapshot: snapshot)
        let withContext = residentBytes()
        withExtendedLifetime((snapshot, context)) {
            let line = "{\"baseline\":\(baseline),\"withSnapshot\":\(withSnapshot),\"withContext\":\(withContext)}\n"
            FileHandle.standardOutput.write(Data(line.utf8))
        }
    }

    /// Starts the child for `directory` and reads its answer.
    static func run(directory: URL) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        process.arguments = ["memory", "--directory", directory.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any],
            let baseline = object["baseline"] as? Int, let withSnapshot = object["withSnapshot"] as? Int,
            let withContext = object["withContext"] as? Int
        else { throw BenchError("the memory probe said: \(String(decoding: data, as: UTF8.self))") }
        return Result(baseline: baseline, withSnapshot: withSnapshot, withContext: withContext)
    }

    static func residentBytes() -> Int {
        trimHeap()
        return residentBytes(of: getpid())
    }

    /// glibc's `malloc_trim(0)`, looked up at run time: Swift's Glibc module does not
    /// export `malloc.h`.
    static func trimHeap() {
        #if canImport(Glibc)
            typealias Trim = @convention(c) (Int) -> Int32
            if let symbol = dlsym(nil, "malloc_trim") {
                _ = unsafeBitCast(symbol, to: Trim.self)(0)
            }
        #endif
    }

    /// VmRSS of a process, from /proc.
    static func residentBytes(of pid: Int32) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return (line.split(separator: " ").compactMap { Int($0) }.first ?? 0) * 1024
        }
        return 0
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
