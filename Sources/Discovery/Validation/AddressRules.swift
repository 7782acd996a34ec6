import Foundation

/// IP addresses, CIDR blocks and ports.
enum AddressRules {
    /// Whether `text` is an IPv4 or IPv6 address.
    static func isIP(_ text: String) -> Bool {
        isIPv4(text) || isIPv6(text)
    }

    static func isIPv4(_ text: String) -> Bool {
        var address = in_addr()
        return inet_pton(AF_INET, text, &address) == 1
    }

    static func isIPv6(_ text: String) -> Bool {
        var address = in6_addr()
        return inet_pton(AF_INET6, text, &address) == 1
    }

    /// Whether `text` is an address or an address with a prefix length (`10.0.0.0/8`).
    static func isIPOrCIDR(_ text: String) -> Bool {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { return false }
        let address = String(parts[0])
        if parts.count == 1 { return isIP(address) }
        guard let bits = Int(parts[1]), bits >= 0 else { return false }
        if isIPv4(address) { return bits <= 32 }
        if isIPv6(address) { return bits <= 128 }
        return false
    }

    /// Whether `port` is a usable TCP/UDP port.
    static func isPort(_ port: Int) -> Bool { (1...65535).contains(port) }
}
