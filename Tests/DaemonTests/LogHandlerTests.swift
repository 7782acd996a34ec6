import Foundation
import Logging
import Synchronization
import Testing

@testable import Daemon

/// Collects written lines in memory.
final class CapturingWriter: LogLineWriter {
    private let captured = Mutex<[String]>([])
    var lines: [String] { captured.withLock { $0 } }
    func write(line: String) { captured.withLock { $0.append(line) } }
}

@Suite("Log handlers")
struct LogHandlerTests {
    private func object(_ line: String) throws -> [String: Any] {
        let parsed = try JSONSerialization.jsonObject(with: Data(line.utf8))
        return try #require(parsed as? [String: Any])
    }

    @Test("the JSON handler writes one valid JSON object per line with the fields")
    func jsonFields() throws {
        let writer = CapturingWriter()
        var logger = Logger(label: "serve") { JSONLogHandler(label: $0, level: .info, writer: writer) }
        logger[metadataKey: "component"] = "test"
        logger.info(
            "hello \"world\"\nsecond line",
            metadata: ["port": .stringConvertible(15014), "dirs": .array(["a", "b"]), "msg": "shadowed"])
        logger.debug("below the level")
        logger.warning("careful")

        let lines = writer.lines
        #expect(lines.count == 2)
        #expect(lines.allSatisfy { !$0.contains("\n") })
        let first = try object(lines[0])
        #expect(first["level"] as? String == "info")
        #expect(first["scope"] as? String == "serve")
        #expect(first["msg"] as? String == "hello \"world\"\nsecond line")
        #expect(first["port"] as? String == "15014")
        #expect(first["dirs"] as? [String] == ["a", "b"])
        #expect(first["component"] as? String == "test")
        #expect(first["meta.msg"] as? String == "shadowed")
        let time = try #require(first["time"] as? String)
        #expect(time.wholeMatch(of: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/) != nil)
        let parsedTime = try Date(time, strategy: .iso8601.year().month().day().time(includingFractionalSeconds: true))
        #expect(abs(parsedTime.timeIntervalSinceNow) < 60)
        #expect(try object(lines[1])["level"] as? String == "warning")
        #expect(lines[0].hasPrefix(#"{"time":"#))
    }

    @Test("the JSON handler escapes control characters")
    func jsonEscaping() throws {
        let writer = CapturingWriter()
        let logger = Logger(label: "x") { JSONLogHandler(label: $0, level: .trace, writer: writer) }
        logger.error("bell \u{7} tab \t backslash \\")
        #expect(try object(writer.lines[0])["msg"] as? String == "bell \u{7} tab \t backslash \\")
    }

    @Test("the text handler writes time, level, scope, message and sorted metadata on one line")
    func textLine() {
        let writer = CapturingWriter()
        let logger = Logger(label: "config") { TextLogHandler(label: $0, level: .info, writer: writer) }
        logger.info("scanned", metadata: ["files": "3", "dir": "/tmp/my mesh"])
        let line = writer.lines[0]
        let columns = line.split(separator: "\t", maxSplits: 3)
        #expect(columns.count == 4)
        #expect(columns[1] == "info")
        #expect(columns[2] == "config")
        #expect(columns[3] == #"scanned dir="/tmp/my mesh" files=3"#)
    }

    @Test("timestamps are RFC 3339 UTC with milliseconds")
    func timestamp() {
        var time = timespec()
        time.tv_sec = 1_700_000_000
        time.tv_nsec = 7_000_000
        #expect(LogRecordFormatting.timestamp(time) == "2023-11-14T22:13:20.007Z")
    }
}
