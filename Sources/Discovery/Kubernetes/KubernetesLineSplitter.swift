/// Cuts a watch stream into its newline-terminated JSON events. Chunk boundaries mean
/// nothing: an event may arrive split over several chunks, or several in one.
struct KubernetesLineSplitter {
    /// An event longer than this is a broken stream, not something to buffer forever.
    let maximumLineLength: Int
    private var pending: [UInt8] = []
    /// `pending[..<scanned]` holds no newline, so a long event is not rescanned per chunk.
    private var scanned = 0

    struct LineTooLong: Error, CustomStringConvertible {
        var limit: Int
        var description: String { "a watch event longer than \(limit) bytes" }
    }

    init(maximumLineLength: Int = 64 << 20) {
        self.maximumLineLength = maximumLineLength
    }

    /// Adds a chunk; returns the lines it completed, without their line ends, skipping blank lines.
    mutating func append(_ chunk: some Sequence<UInt8>) throws -> [[UInt8]] {
        pending.append(contentsOf: chunk)
        var lines: [[UInt8]] = []
        var start = 0
        var index = scanned
        while index < pending.count {
            if pending[index] == 0x0A {
                var end = index
                if end > start, pending[end - 1] == 0x0D { end -= 1 }
                if end > start { lines.append(Array(pending[start..<end])) }
                start = index + 1
            }
            index += 1
        }
        if start > 0 { pending.removeFirst(start) }
        scanned = pending.count
        if pending.count > maximumLineLength { throw LineTooLong(limit: maximumLineLength) }
        return lines
    }

    /// What is left when the stream ends: a last event without a newline, if any.
    mutating func finish() -> [UInt8]? {
        defer {
            pending = []
            scanned = 0
        }
        let rest = pending.filter { $0 != 0x0D }
        return rest.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) ? nil : pending
    }
}
