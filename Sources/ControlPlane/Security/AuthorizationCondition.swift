import Discovery

/// One condition of an AuthorizationPolicy rule: an attribute with the values it
/// must match (any of them) and those it must not, from `from.source`,
/// `to.operation` or `when`.
struct AuthorizationCondition: Sendable, Hashable {
    /// What the condition looks at; each becomes one kind of Envoy matcher.
    enum Attribute: Sendable, Hashable {
        // The request or connection (Envoy permissions).
        case host, method, path, destinationPort, destinationIP, connectionSNI
        // The caller (Envoy principals).
        case principal, requestPrincipal, serviceAccount, trustDomain, namespace, sourceIP, remoteIP
        case requestHeader(String), audiences, presenter, claims([String])
        /// `experimental.envoy.filters.*`: not supported here (see ``RuleError``).
        case experimental(String)

        /// Conditions on what is called sit in permissions; the rest in principals.
        var isPermission: Bool {
            switch self {
            case .host, .method, .path, .destinationPort, .destinationIP, .connectionSNI, .experimental: true
            default: false
            }
        }

        /// Attributes only an HTTP request has; on a TCP chain they cannot match.
        var isHTTPOnly: Bool {
            switch self {
            case .host, .method, .path, .requestPrincipal, .requestHeader, .audiences, .presenter, .claims: true
            default: false
            }
        }

        /// Attributes whose values together make one matcher (JWT metadata), rather
        /// than one matcher per value or'ed together.
        var matchesValuesTogether: Bool {
            switch self {
            case .requestPrincipal, .audiences, .presenter, .claims: true
            default: false
            }
        }

        /// The attribute a `when` key names; nil for a key Istio does not know.
        init?(whenKey key: String) {
            switch key {
            case "source.ip": self = .sourceIP
            case "remote.ip": self = .remoteIP
            case "source.namespace": self = .namespace
            case "source.principal": self = .principal
            case "source.serviceAccount": self = .serviceAccount
            case "source.trustDomain": self = .trustDomain
            case "request.auth.principal": self = .requestPrincipal
            case "request.auth.audiences": self = .audiences
            case "request.auth.presenter": self = .presenter
            case "destination.ip": self = .destinationIP
            case "destination.port": self = .destinationPort
            case "connection.sni": self = .connectionSNI
            default:
                if let name = Self.bracketed(key, after: "request.headers"), let header = name.first, name.count == 1 {
                    self = .requestHeader(header)
                } else if let claims = Self.bracketed(key, after: "request.auth.claims") {
                    self = .claims(claims)
                } else if key.hasPrefix("experimental.envoy.filters.") {
                    self = .experimental(key)
                } else {
                    return nil
                }
            }
        }

        /// `[a][b]` after `prefix` → `["a", "b"]`; a single `[a.b]` stays one name.
        /// Nil when the brackets are missing or empty.
        static func bracketed(_ key: String, after prefix: String) -> [String]? {
            guard key.hasPrefix(prefix + "["), key.hasSuffix("]") else { return nil }
            var rest = Substring(key.dropFirst(prefix.count))
            var names: [String] = []
            while rest.first == "[" {
                guard let close = rest.firstIndex(of: "]") else { return nil }
                let name = rest[rest.index(after: rest.startIndex)..<close]
                guard !name.isEmpty, !name.contains("[") else { return nil }
                names.append(String(name))
                rest = rest[rest.index(after: close)...]
            }
            return rest.isEmpty && !names.isEmpty ? names : nil
        }
    }

    var attribute: Attribute
    var values: [String]
    var notValues: [String]

    init?(_ attribute: Attribute, _ values: [String]?, _ notValues: [String]?) {
        guard !(values ?? []).isEmpty || !(notValues ?? []).isEmpty else { return nil }
        self.attribute = attribute
        self.values = values ?? []
        self.notValues = notValues ?? []
    }
}

/// Why one condition could not be translated. Istio's rule: in an ALLOW policy the
/// whole rule is dropped (it allows less); in DENY and AUDIT only the condition is
/// dropped (the rule matches more).
enum RuleError: Error, Hashable, CustomStringConvertible {
    case httpOnly(String)
    case invalid(String)
    case unsupported(String)

    var description: String {
        switch self {
        case .httpOnly(let what): "\(what) applies to HTTP only"
        case .invalid(let what): "invalid value \(what)"
        case .unsupported(let what): "\(what) is not supported"
        }
    }
}

extension AuthorizationPolicySpec.Rule {
    /// The principal-side conditions of each `from` (Istio's order: principals,
    /// request principals, service accounts, trust domains, namespaces, remote then
    /// direct IPs),
    /// each followed by the rule's principal-side `when` conditions. One list when
    /// there is no `from`.
    func principalConditions() throws(RuleError) -> [[AuthorizationCondition]] {
        let shared = try whenConditions().filter { !$0.attribute.isPermission }
        guard let from, !from.isEmpty else { return [shared] }
        return from.map { entry in
            guard let source = entry.source else { return shared }
            let own: [AuthorizationCondition?] = [
                .init(.principal, source.principals, source.notPrincipals),
                .init(.requestPrincipal, source.requestPrincipals, source.notRequestPrincipals),
                .init(.serviceAccount, source.serviceAccounts, source.notServiceAccounts),
                .init(.trustDomain, source.trustDomains, source.notTrustDomains),
                .init(.namespace, source.namespaces, source.notNamespaces),
                .init(.remoteIP, source.remoteIpBlocks, source.notRemoteIpBlocks),
                .init(.sourceIP, source.ipBlocks, source.notIpBlocks),
            ]
            return own.compactMap { $0 } + shared
        }
    }

    /// The request-side conditions of each `to` (hosts, methods, paths, ports), each
    /// followed by the rule's request-side `when` conditions. One list when there is no `to`.
    func permissionConditions() throws(RuleError) -> [[AuthorizationCondition]] {
        let shared = try whenConditions().filter { $0.attribute.isPermission }
        guard let to, !to.isEmpty else { return [shared] }
        return to.map { entry in
            guard let operation = entry.operation else { return shared }
            let own: [AuthorizationCondition?] = [
                .init(.host, operation.hosts, operation.notHosts),
                .init(.method, operation.methods, operation.notMethods),
                .init(.path, operation.paths, operation.notPaths),
                .init(.destinationPort, operation.ports, operation.notPorts),
            ]
            return own.compactMap { $0 } + shared
        }
    }

    /// `when`, in order; an unknown key makes the whole rule invalid, as in Istio.
    private func whenConditions() throws(RuleError) -> [AuthorizationCondition] {
        var conditions: [AuthorizationCondition] = []
        for condition in when ?? [] {
            guard let attribute = AuthorizationCondition.Attribute(whenKey: condition.key) else {
                throw .unsupported("when key \"\(condition.key)\"")
            }
            if let made = AuthorizationCondition(attribute, condition.values, condition.notValues) {
                conditions.append(made)
            }
        }
        return conditions
    }
}
