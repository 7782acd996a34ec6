/// Where the CA listens (`--ca-addr`): a host name or IP address and a port.
public struct CAAddress: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `host:port` or `[ipv6]:port`.
    public init(parsing text: String) throws(AgentError) {
        let failure = AgentError(flag: "--ca-addr", value: text, problem: "expected host:port", kind: .usage)
        guard let colon = text.lastIndex(of: ":") else { throw failure }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") && host.count > 2 {
            host = String(host.dropFirst().dropLast())
        } else if host.contains(":") || host.contains("[") || host.contains("]") {
            throw failure
        }
        guard !host.isEmpty, !host.contains(where: \.isWhitespace),
            let port = Int(text[text.index(after: colon)...]), (1...65535).contains(port)
        else { throw failure }
        self.host = host
        self.port = port
    }

    /// Whether the host is an IPv4 literal (dotted quad).
    var isIPv4: Bool {
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { UInt8($0) != nil }
    }

    /// Whether the host is an IPv6 literal.
    var isIPv6: Bool { host.contains(":") }

    public var description: String { isIPv6 ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
