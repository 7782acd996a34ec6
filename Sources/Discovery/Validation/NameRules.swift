/// Kubernetes' and Istio's rules for names, labels and hosts.
enum NameRules {
    /// A DNS-1123 label: `[a-z0-9]([-a-z0-9]*[a-z0-9])?`, at most 63 characters.
    static func isDNS1123Label(_ text: some StringProtocol) -> Bool {
        guard !text.isEmpty, text.count <= 63 else { return false }
        let bytes = Array(text.utf8)
        func allowed(_ byte: UInt8) -> Bool { (byte >= 97 && byte <= 122) || (byte >= 48 && byte <= 57) }
        guard allowed(bytes.first!), allowed(bytes.last!) else { return false }
        return bytes.allSatisfy { allowed($0) || $0 == 45 }
    }

    /// A DNS-1123 subdomain: labels joined by dots, at most 253 characters.
    static func isDNS1123Subdomain(_ text: some StringProtocol) -> Bool {
        guard !text.isEmpty, text.count <= 253 else { return false }
        return text.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { isDNS1123Label($0) }
    }

    /// A DNS label as Istio accepts it in hosts: letters of either case, digits, dashes.
    static func isHostLabel(_ text: some StringProtocol) -> Bool {
        guard !text.isEmpty, text.count <= 63 else { return false }
        let bytes = Array(text.utf8)
        func alphanumeric(_ byte: UInt8) -> Bool {
            (byte >= 97 && byte <= 122) || (byte >= 65 && byte <= 90) || (byte >= 48 && byte <= 57)
        }
        guard alphanumeric(bytes.first!), alphanumeric(bytes.last!) else { return false }
        return bytes.allSatisfy { alphanumeric($0) || $0 == 45 }
    }

    /// Istio's wildcard domain: `*`, `*.example.com`, or a DNS name (at most 255 characters).
    static func wildcardDomainProblem(_ host: String) -> String? {
        if host.isEmpty { return "host must not be empty" }
        if host.count > 255 { return "host \"\(host)\" is longer than 255 characters" }
        if host == "*" { return nil }
        var rest = Substring(host)
        if rest.hasPrefix("*.") { rest = rest.dropFirst(2) }
        let labels = rest.split(separator: ".", omittingEmptySubsequences: false)
        for label in labels where !isHostLabel(label) {
            if label.contains("*") {
                return "host \"\(host)\": a wildcard must be the whole first label (\"*\" or \"*.example.com\")"
            }
            return "host \"\(host)\" is not a valid DNS name (label \"\(label)\")"
        }
        return nil
    }

    /// The name part of a label key or a label value's characters:
    /// `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`, at most 63 characters.
    static func isQualifiedNamePart(_ text: some StringProtocol) -> Bool {
        guard !text.isEmpty, text.count <= 63 else { return false }
        let bytes = Array(text.utf8)
        func alphanumeric(_ byte: UInt8) -> Bool {
            (byte >= 97 && byte <= 122) || (byte >= 65 && byte <= 90) || (byte >= 48 && byte <= 57)
        }
        guard alphanumeric(bytes.first!), alphanumeric(bytes.last!) else { return false }
        return bytes.allSatisfy { alphanumeric($0) || $0 == 45 || $0 == 95 || $0 == 46 }
    }

    /// Why `key` is not a valid label (or annotation) key, or nil.
    static func labelKeyProblem(_ key: String) -> String? {
        let parts = key.split(separator: "/", omittingEmptySubsequences: false)
        switch parts.count {
        case 1:
            return isQualifiedNamePart(parts[0])
                ? nil : "invalid label key \"\(key)\": must be 63 characters or less, alphanumeric, '-', '_' or '.', starting and ending alphanumeric"
        case 2:
            if !isDNS1123Subdomain(parts[0]) {
                return "invalid label key \"\(key)\": prefix must be a DNS-1123 subdomain"
            }
            return isQualifiedNamePart(parts[1])
                ? nil : "invalid label key \"\(key)\": name must be 63 characters or less, alphanumeric, '-', '_' or '.', starting and ending alphanumeric"
        default:
            return "invalid label key \"\(key)\": at most one '/'"
        }
    }

    /// Why `value` is not a valid label value, or nil (empty is valid).
    static func labelValueProblem(_ value: String) -> String? {
        value.isEmpty || isQualifiedNamePart(value)
            ? nil : "invalid label value \"\(value)\": must be 63 characters or less, alphanumeric, '-', '_' or '.', starting and ending alphanumeric"
    }
}
