/// Checks shared by several kinds, each recording at the path it is given.
extension Findings {
    /// `metadata.name` present and a DNS-1123 subdomain; namespace a label; labels
    /// and annotation keys well formed.
    mutating func validateMetadata(_ metadata: ObjectMeta, namespaced: Bool) {
        if let name = metadata.name, !name.isEmpty {
            if !NameRules.isDNS1123Subdomain(name) {
                error("metadata.name", "\"\(name)\" is not a valid name (lowercase DNS-1123 subdomain)")
            }
        } else {
            error("metadata.name", "required")
        }
        if let namespace = metadata.namespace, !namespace.isEmpty {
            if !namespaced {
                warning("metadata.namespace", "ignored: the kind is cluster-scoped")
            } else if !NameRules.isDNS1123Label(namespace) {
                error("metadata.namespace", "\"\(namespace)\" is not a valid namespace (DNS-1123 label)")
            }
        }
        validateLabels(metadata.labels, at: "metadata.labels")
        for key in (metadata.annotations ?? [:]).keys.sorted() {
            if let problem = NameRules.labelKeyProblem(key) {
                error("metadata.annotations".key(key), problem.replacingOccurrences(of: "label key", with: "annotation key"))
            }
        }
    }

    /// Label keys and values per Kubernetes' rules.
    mutating func validateLabels(_ labels: [String: String]?, at path: String) {
        for (key, value) in (labels ?? [:]).sorted(by: { $0.key < $1.key }) {
            if let problem = NameRules.labelKeyProblem(key) { error(path.key(key), problem) }
            if let problem = NameRules.labelValueProblem(value) { error(path.key(key), problem) }
        }
    }

    /// A selector's `matchLabels` and `matchExpressions`.
    mutating func validateSelector(_ selector: LabelSelector?, at path: String) {
        guard let selector else { return }
        validateLabels(selector.matchLabels, at: path.dot("matchLabels"))
        for (index, requirement) in (selector.matchExpressions ?? []).enumerated() {
            let here = path.dot("matchExpressions").at(index)
            if let problem = NameRules.labelKeyProblem(requirement.key) { error(here.dot("key"), problem) }
            let values = requirement.values ?? []
            switch requirement.operator {
            case .in, .notIn:
                if values.isEmpty { error(here.dot("values"), "must not be empty for \(requirement.operator.rawValue)") }
            case .exists, .doesNotExist:
                if !values.isEmpty { error(here.dot("values"), "must be empty for \(requirement.operator.rawValue)") }
            }
        }
    }

    /// An Istio host: `*`, `*.example.com` or a DNS name.
    mutating func validateHost(_ host: String, at path: String) {
        if let problem = NameRules.wildcardDomainProblem(host) { error(path, problem) }
    }

    /// A port number in 1–65535.
    mutating func validatePort(_ port: Int?, at path: String) {
        guard let port else { return }
        if !AddressRules.isPort(port) { error(path, "port \(port) is out of range 1-65535") }
    }

    /// A duration of at least 1 ms (Istio's rule for timeouts and intervals).
    mutating func validateDuration(_ duration: ConfigDuration?, at path: String) {
        guard let duration else { return }
        if duration.duration < .milliseconds(1) {
            error(path, "duration \"\(duration.text)\" must be at least 1ms")
        }
    }

    /// A percentage in 0–100.
    mutating func validatePercent(_ value: Double?, at path: String) {
        guard let value else { return }
        if !(0...100).contains(value) { error(path, "percentage \(value) must be between 0 and 100") }
    }

    /// A regular expression Envoy's RE2 accepts.
    mutating func validateRegex(_ pattern: String?, at path: String) {
        guard let pattern else { return }
        if let problem = RE2Rules.problem(pattern) { error(path, problem) }
    }

    /// A StringMatch: exactly one of exact, prefix or regex; the regex valid.
    mutating func validateStringMatch(_ match: StringMatch?, at path: String) {
        guard let match else { return }
        let set = [match.exact, match.prefix, match.regex].compactMap { $0 }.count
        if set > 1 { error(path, "only one of exact, prefix or regex may be set") }
        validateRegex(match.regex, at: path.dot("regex"))
    }

    /// `exportTo`: `.`, `*`, `~` or namespace names; `*` and `~` stand alone.
    mutating func validateExportTo(_ exportTo: [String]?, at path: String) {
        guard let exportTo else { return }
        for (index, entry) in exportTo.enumerated() where entry != "." && entry != "*" && entry != "~" {
            if !NameRules.isDNS1123Label(entry) {
                error(path.at(index), "\"\(entry)\" is not \".\", \"*\", \"~\" or a namespace name")
            }
        }
        if exportTo.count > 1, exportTo.contains("*") || exportTo.contains("~") {
            error(path, "\"*\" and \"~\" cannot be combined with other entries")
        }
        if Set(exportTo).count != exportTo.count { error(path, "duplicate entries") }
    }

    /// A protocol name Istio knows for ports.
    mutating func validateProtocol(_ name: String?, at path: String) {
        guard let name else { return }
        if !Self.knownProtocols.contains(name.uppercased()) {
            error(path, "unknown protocol \"\(name)\"")
        }
    }

    static let knownProtocols: Set<String> = [
        "HTTP", "HTTPS", "GRPC", "GRPC-WEB", "HTTP2", "HTTP_PROXY", "MONGO", "MYSQL", "REDIS", "TCP", "TLS", "UDP",
        "THRIFT", "DUBBO", "UNSUPPORTED", "HBONE",
    ]
}
