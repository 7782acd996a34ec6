import Foundation

/// Finds the byte ranges of a JSON object's members and of an array's elements without
/// decoding them, so objects can be passed on exactly as the API server sent them and a
/// list of thousands of items is split without building a tree of them all.
struct KubernetesJSONScanner {
    let bytes: [UInt8]
    private(set) var index: Int

    struct Malformed: Error, CustomStringConvertible {
        var offset: Int
        var description: String { "malformed JSON at byte \(offset)" }
    }

    init(_ bytes: [UInt8], at index: Int = 0) {
        self.bytes = bytes
        self.index = index
    }

    /// The members of the object starting at `range.lowerBound`: each key (decoded) with
    /// the range of its value.
    static func members(of bytes: [UInt8], in range: Range<Int>? = nil) throws -> [(key: String, value: Range<Int>)] {
        var scanner = KubernetesJSONScanner(bytes, at: range?.lowerBound ?? 0)
        scanner.skipWhitespace()
        try scanner.expect(UInt8(ascii: "{"))
        var members: [(key: String, value: Range<Int>)] = []
        scanner.skipWhitespace()
        if scanner.peek == UInt8(ascii: "}") { return members }
        while true {
            scanner.skipWhitespace()
            let keyStart = scanner.index
            try scanner.skipString()
            let key = try decodeString(bytes[keyStart..<scanner.index], at: keyStart)
            scanner.skipWhitespace()
            try scanner.expect(UInt8(ascii: ":"))
            scanner.skipWhitespace()
            let valueStart = scanner.index
            try scanner.skipValue()
            members.append((key, valueStart..<scanner.index))
            scanner.skipWhitespace()
            if scanner.peek == UInt8(ascii: ",") {
                scanner.index += 1
                continue
            }
            try scanner.expect(UInt8(ascii: "}"))
            return members
        }
    }

    /// The ranges of the elements of the array in `range`.
    static func elements(of bytes: [UInt8], in range: Range<Int>) throws -> [Range<Int>] {
        var scanner = KubernetesJSONScanner(bytes, at: range.lowerBound)
        scanner.skipWhitespace()
        if scanner.peek == UInt8(ascii: "n") { return [] }  // "items": null
        try scanner.expect(UInt8(ascii: "["))
        var elements: [Range<Int>] = []
        scanner.skipWhitespace()
        if scanner.peek == UInt8(ascii: "]") { return elements }
        while true {
            scanner.skipWhitespace()
            let start = scanner.index
            try scanner.skipValue()
            elements.append(start..<scanner.index)
            scanner.skipWhitespace()
            if scanner.peek == UInt8(ascii: ",") {
                scanner.index += 1
                continue
            }
            try scanner.expect(UInt8(ascii: "]"))
            return elements
        }
    }

    /// A JSON string literal's value. Keys almost never hold escapes, so those take the slow path.
    static func decodeString(_ literal: ArraySlice<UInt8>, at offset: Int) throws -> String {
        let body = literal.dropFirst().dropLast()
        if !body.contains(UInt8(ascii: "\\")) {
            return String(decoding: body, as: UTF8.self)
        }
        guard let value = try? JSONDecoderSingleString.decode(Array(literal)) else {
            throw Malformed(offset: offset)
        }
        return value
    }

    private var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func skipWhitespace() {
        while let byte = peek, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 {
            index += 1
        }
    }

    private mutating func expect(_ byte: UInt8) throws {
        guard peek == byte else { throw Malformed(offset: index) }
        index += 1
    }

    private mutating func skipString() throws {
        try expect(UInt8(ascii: "\""))
        while let byte = peek {
            index += 1
            if byte == UInt8(ascii: "\\") {
                index += 1
            } else if byte == UInt8(ascii: "\"") {
                return
            }
        }
        throw Malformed(offset: index)
    }

    /// Moves past one value of any type, counting brackets and skipping strings.
    private mutating func skipValue() throws {
        guard let first = peek else { throw Malformed(offset: index) }
        switch first {
        case UInt8(ascii: "\""):
            try skipString()
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            while let byte = peek {
                switch byte {
                case UInt8(ascii: "\""):
                    try skipString()
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                default:
                    break
                }
                index += 1
                if depth == 0 { return }
            }
            throw Malformed(offset: index)
        default:
            // A number, true, false or null: runs to the next delimiter.
            let start = index
            while let byte = peek, byte != UInt8(ascii: ","), byte != UInt8(ascii: "}"), byte != UInt8(ascii: "]"),
                byte != 0x20, byte != 0x0A, byte != 0x0D, byte != 0x09
            {
                index += 1
            }
            if index == start { throw Malformed(offset: index) }
        }
    }
}

/// Decodes one JSON string literal with Foundation, for the rare key with escapes.
private enum JSONDecoderSingleString {
    static func decode(_ literal: [UInt8]) throws -> String {
        try JSONDecoder().decode(String.self, from: Data(literal))
    }
}
