extension PeerAuthenticationSpec {
    public func validate(metadata: ObjectMeta, into findings: inout Findings) {
        findings.validateLabels(selector?.matchLabels, at: "spec.selector.matchLabels")
        if let portLevelMtls, !portLevelMtls.isEmpty {
            if (selector?.matchLabels ?? [:]).isEmpty {
                findings.error("spec.portLevelMtls", "needs a non-empty selector")
            }
            for key in portLevelMtls.keys.sorted() where Int(key).map(AddressRules.isPort) != true {
                findings.error("spec.portLevelMtls".key(key), "\"\(key)\" is not a port number in 1-65535")
            }
        }
    }
}

extension AuthorizationPolicySpec {
    public func validate(metadata: ObjectMeta, into findings: inout Findings) {
        findings.validateLabels(selector?.matchLabels, at: "spec.selector.matchLabels")
        if selector != nil, targetRef != nil || targetRefs != nil {
            findings.error("spec", "only one of selector, targetRef or targetRefs may be set")
        }
        if targetRef != nil, targetRefs != nil { findings.error("spec", "only one of targetRef or targetRefs may be set") }
        let action = action ?? .allow
        if action == .custom {
            if (provider?.name ?? "").isEmpty { findings.error("spec.provider.name", "a CUSTOM action needs a provider") }
        } else if provider != nil {
            findings.error("spec.provider", "a provider is only allowed with the CUSTOM action")
        }
        let rules = rules ?? []
        if rules.isEmpty, action == .deny {
            // Istio accepts it, and it never matches: almost certainly not what was meant.
            findings.warning("spec.rules", "a DENY policy without rules matches nothing")
        }
        if rules.isEmpty, action == .custom {
            findings.warning("spec.rules", "a CUSTOM policy without rules matches nothing")
        }
        for (index, rule) in rules.enumerated() {
            let path = "spec.rules".at(index)
            if let from = rule.from {
                if from.isEmpty { findings.error(path.dot("from"), "must not be empty when set") }
                for (fromIndex, entry) in from.enumerated() {
                    let here = path.dot("from").at(fromIndex).dot("source")
                    guard let source = entry.source else {
                        findings.error(here, "required")
                        continue
                    }
                    source.validate(at: here, into: &findings)
                }
            }
            if let to = rule.to {
                if to.isEmpty { findings.error(path.dot("to"), "must not be empty when set") }
                for (toIndex, entry) in to.enumerated() {
                    let here = path.dot("to").at(toIndex).dot("operation")
                    guard let operation = entry.operation else {
                        findings.error(here, "required")
                        continue
                    }
                    operation.validate(at: here, into: &findings)
                }
            }
            for (whenIndex, condition) in (rule.when ?? []).enumerated() {
                let here = path.dot("when").at(whenIndex)
                if !Self.isSupportedConditionKey(condition.key) {
                    findings.error(here.dot("key"), "unknown key \"\(condition.key)\"")
                }
                if (condition.values ?? []).isEmpty, (condition.notValues ?? []).isEmpty {
                    findings.error(here, "at least one of values or notValues is required for key \"\(condition.key)\"")
                }
                if condition.key == "source.ip" || condition.key == "remote.ip" || condition.key == "destination.ip" {
                    for value in (condition.values ?? []) + (condition.notValues ?? []) where !AddressRules.isIPOrCIDR(value) {
                        findings.error(here, "\"\(value)\" is not an IP address or CIDR")
                    }
                }
                if condition.key == "destination.port" {
                    for value in (condition.values ?? []) + (condition.notValues ?? []) where Int(value).map(AddressRules.isPort) != true {
                        findings.error(here, "\"\(value)\" is not a port in 1-65535")
                    }
                }
            }
        }
    }

    /// Istio's condition keys (security/pkg/.../authz attributes).
    static func isSupportedConditionKey(_ key: String) -> Bool {
        let exact: Set<String> = [
            "source.ip", "remote.ip", "source.namespace", "source.principal", "source.serviceAccount",
            "request.auth.principal", "request.auth.audiences", "request.auth.presenter", "destination.ip",
            "destination.port", "connection.sni",
        ]
        if exact.contains(key) { return true }
        for prefix in ["request.headers[", "request.auth.claims["] where key.hasPrefix(prefix) && key.hasSuffix("]") {
            return key.count > prefix.count + 1
        }
        return key.hasPrefix("experimental.envoy.filters.")
    }
}

extension AuthorizationPolicySpec.Source {
    func validate(at path: String, into findings: inout Findings) {
        let lists: [(String, [String]?)] = [
            ("principals", principals), ("notPrincipals", notPrincipals), ("requestPrincipals", requestPrincipals),
            ("notRequestPrincipals", notRequestPrincipals), ("namespaces", namespaces), ("notNamespaces", notNamespaces),
            ("ipBlocks", ipBlocks), ("notIpBlocks", notIpBlocks), ("remoteIpBlocks", remoteIpBlocks),
            ("notRemoteIpBlocks", notRemoteIpBlocks), ("serviceAccounts", serviceAccounts),
            ("notServiceAccounts", notServiceAccounts), ("trustDomains", trustDomains), ("notTrustDomains", notTrustDomains),
        ]
        if lists.allSatisfy({ ($0.1 ?? []).isEmpty }) { findings.error(path, "must not be empty") }
        for (name, values) in lists where name.hasSuffix("pBlocks") || name.hasSuffix("IpBlocks") {
            for (index, value) in (values ?? []).enumerated() where !AddressRules.isIPOrCIDR(value) {
                findings.error(path.dot(name).at(index), "\"\(value)\" is not an IP address or CIDR")
            }
        }
        if !(principals ?? []).isEmpty || !(notPrincipals ?? []).isEmpty, !(serviceAccounts ?? []).isEmpty || !(notServiceAccounts ?? []).isEmpty {
            findings.error(path, "serviceAccounts cannot be combined with principals")
        }
    }
}

extension AuthorizationPolicySpec.Operation {
    func validate(at path: String, into findings: inout Findings) {
        let lists: [[String]?] = [hosts, notHosts, ports, notPorts, methods, notMethods, paths, notPaths]
        if lists.allSatisfy({ ($0 ?? []).isEmpty }) { findings.error(path, "must not be empty") }
        for (name, values) in [("ports", ports), ("notPorts", notPorts)] {
            for (index, value) in (values ?? []).enumerated() where Int(value).map(AddressRules.isPort) != true {
                findings.error(path.dot(name).at(index), "\"\(value)\" is not a port in 1-65535")
            }
        }
    }
}

extension RequestAuthenticationSpec {
    public func validate(metadata: ObjectMeta, into findings: inout Findings) {
        findings.validateLabels(selector?.matchLabels, at: "spec.selector.matchLabels")
        if selector != nil, targetRef != nil || targetRefs != nil {
            findings.error("spec", "only one of selector, targetRef or targetRefs may be set")
        }
        var issuers: Set<String> = []
        for (index, rule) in (jwtRules ?? []).enumerated() {
            let path = "spec.jwtRules".at(index)
            let issuer = rule.issuer ?? ""
            if issuer.isEmpty {
                findings.error(path.dot("issuer"), "required")
            } else if !issuers.insert(issuer).inserted {
                findings.error(path.dot("issuer"), "duplicate issuer \"\(issuer)\"")
            }
            let uri = rule.jwksUri ?? rule.jwks_uri
            if let uri, !uri.isEmpty {
                if !(uri.hasPrefix("https://") || uri.hasPrefix("http://")) || uri.count <= 8 {
                    findings.error(path.dot("jwksUri"), "\"\(uri)\" is not an http(s) URL")
                }
                if rule.jwks != nil { findings.error(path, "only one of jwks or jwksUri may be set") }
            }
            for (headerIndex, header) in (rule.fromHeaders ?? []).enumerated() where header.name.isEmpty {
                findings.error(path.dot("fromHeaders").at(headerIndex).dot("name"), "required")
            }
            for (claimIndex, output) in (rule.outputClaimToHeaders ?? []).enumerated() {
                let here = path.dot("outputClaimToHeaders").at(claimIndex)
                if output.claim.isEmpty { findings.error(here.dot("claim"), "required") }
                if output.header.isEmpty || output.header.contains(where: { $0 == " " || $0 == ":" }) {
                    findings.error(here.dot("header"), "\"\(output.header)\" is not a valid header name")
                }
            }
            findings.validateDuration(rule.timeout, at: path.dot("timeout"))
        }
    }
}
