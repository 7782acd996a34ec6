extension ServiceEntrySpec {
    public func validate(metadata: ObjectMeta, into findings: inout Findings) {
        let hosts = hosts ?? []
        if hosts.isEmpty { findings.error("spec.hosts", "at least one host is required") }
        for (index, host) in hosts.enumerated() {
            if host == "*" {
                findings.error("spec.hosts".at(index), "\"*\" alone is not allowed")
            } else {
                findings.validateHost(host, at: "spec.hosts".at(index))
            }
        }
        for (index, address) in (addresses ?? []).enumerated() where !AddressRules.isIPOrCIDR(address) {
            findings.error("spec.addresses".at(index), "\"\(address)\" is not an IP address or CIDR")
        }
        findings.validateExportTo(exportTo, at: "spec.exportTo")
        var numbers: Set<Int> = []
        var names: Set<String> = []
        let ports = ports ?? []
        if ports.isEmpty {
            findings.error("spec.ports", "at least one port is required")
        }
        for (index, port) in ports.enumerated() {
            let path = "spec.ports".at(index)
            if let number = port.number {
                findings.validatePort(number, at: path.dot("number"))
                if !numbers.insert(number).inserted { findings.error(path.dot("number"), "duplicate port \(number)") }
            } else {
                findings.error(path.dot("number"), "required")
            }
            findings.validatePort(port.targetPort, at: path.dot("targetPort"))
            if let name = port.name, !name.isEmpty {
                if !names.insert(name).inserted { findings.error(path.dot("name"), "duplicate port name \"\(name)\"") }
            } else {
                findings.error(path.dot("name"), "required")
            }
            findings.validateProtocol(port.protocol, at: path.dot("protocol"))
        }
        let endpoints = endpoints ?? []
        if workloadSelector != nil, !endpoints.isEmpty {
            findings.error("spec", "only one of endpoints or workloadSelector may be set")
        }
        findings.validateLabels(workloadSelector?.labels, at: "spec.workloadSelector.labels")
        switch resolution ?? .none {
        case .none:
            break  // routed by host or address only; nothing more to check.
        case .static:
            if endpoints.isEmpty, workloadSelector == nil {
                findings.error("spec.endpoints", "STATIC resolution needs endpoints or a workloadSelector")
            }
            for (index, endpoint) in endpoints.enumerated() {
                let address = endpoint.address ?? ""
                if !address.hasPrefix("unix://"), !AddressRules.isIP(address) {
                    findings.error("spec.endpoints".at(index).dot("address"), "STATIC resolution needs an IP address, not \"\(address)\"")
                }
            }
        case .dns, .dnsRoundRobin:
            if endpoints.isEmpty {
                for (index, host) in hosts.enumerated() where host.hasPrefix("*") {
                    findings.error("spec.hosts".at(index), "DNS resolution without endpoints needs hosts without wildcards")
                }
            }
            if resolution == .dnsRoundRobin, endpoints.count > 1 {
                findings.error("spec.endpoints", "DNS_ROUND_ROBIN allows at most one endpoint")
            }
        case .dynamicDNS:
            if !endpoints.isEmpty { findings.error("spec.endpoints", "DYNAMIC_DNS does not take endpoints") }
        }
        for (index, endpoint) in endpoints.enumerated() {
            endpoint.validateEndpoint(at: "spec.endpoints".at(index), portNames: names, into: &findings)
        }
    }
}

extension WorkloadEntrySpec {
    public func validate(metadata: ObjectMeta, into findings: inout Findings) {
        validateEndpoint(at: "spec", portNames: nil, into: &findings)
    }

    /// Shared by WorkloadEntry and ServiceEntry `endpoints[]`; `portNames` are the
    /// ServiceEntry's, which endpoint ports must refer to.
    func validateEndpoint(at path: String, portNames: Set<String>?, into findings: inout Findings) {
        let address = address ?? ""
        if address.isEmpty {
            if (network ?? "").isEmpty { findings.error(path.dot("address"), "required unless network is set") }
        } else if address.hasPrefix("unix://") {
            if ports?.isEmpty == false { findings.error(path.dot("ports"), "a unix:// address has no ports") }
        } else if !AddressRules.isIP(address), !NameRules.isDNS1123Subdomain(address.lowercased()) {
            findings.error(path.dot("address"), "\"\(address)\" is not an IP address, DNS name or unix:// path")
        }
        for (name, port) in (ports ?? [:]).sorted(by: { $0.key < $1.key }) {
            findings.validatePort(port, at: path.dot("ports").key(name))
            if let portNames, !portNames.contains(name) {
                findings.error(path.dot("ports").key(name), "no port named \"\(name)\" in spec.ports")
            }
        }
        findings.validateLabels(labels, at: path.dot("labels"))
        if let weight, weight < 0 { findings.error(path.dot("weight"), "must not be negative") }
        if let serviceAccount, !serviceAccount.isEmpty, !NameRules.isDNS1123Subdomain(serviceAccount) {
            findings.error(path.dot("serviceAccount"), "\"\(serviceAccount)\" is not a valid service account name")
        }
    }
}
