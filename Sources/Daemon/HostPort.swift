/// A `host:port` listen address as given on the command line.
///
/// Accepts `host:port`, `[ipv6]:port` and `:port` (all IPv4 interfaces, as Go's
/// listeners and Istio's flags do). Port 0 asks the kernel for a free port.
public struct HostPort: Sendable, Equatable, CustomStringConvertible {
    /// The host name or address to bind, without brackets.
    public var host: String
    /// The TCP port; 0 means any free port.
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `text`, throwing a usage error that names `flag` when it is malformed.
    public init(parsing text: String, flag: String) throws(StartupError) {
        func failure(_ problem: String) -> StartupError {
            StartupError(flag: flag, value: text, problem: problem, kind: .usage)
        }
        guard let colon = text.lastIndex(of: ":") else {
            throw failure("expected host:port")
        }
        var host = String(text[..<colon])
        let portText = text[text.index(after: colon)...]
        if host.hasPrefix("[") || host.hasSuffix("]") {
            guard host.count > 2, host.hasPrefix("["), host.hasSuffix("]") else {
                throw failure("expected host:port")
            }
            host = String(host.dropFirst().dropLast())
        } else if host.contains(":") {
            throw failure("IPv6 addresses need brackets, as in [::1]:15014")
        }
        guard !portText.isEmpty, portText.allSatisfy(\.isASCII), portText.allSatisfy(\.isNumber),
            let port = Int(portText), port <= 65535
        else {
            throw failure("port must be a number from 0 to 65535")
        }
        if host.contains(where: \.isWhitespace) {
            throw failure("host contains whitespace")
        }
        self.host = host.isEmpty ? "0.0.0.0" : host
        self.port = port
    }

    /// `host:port`, with brackets around IPv6 hosts.
    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
