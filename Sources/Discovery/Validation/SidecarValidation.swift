extension SidecarSpec {
    public func validate(metadata: ObjectMeta, into findings: inout Findings) {
        findings.validateLabels(workloadSelector?.labels, at: "spec.workloadSelector.labels")
        var ingressPorts: Set<Int> = []
        for (index, listener) in (ingress ?? []).enumerated() {
            let path = "spec.ingress".at(index)
            if let number = listener.port?.number {
                findings.validatePort(number, at: path.dot("port.number"))
                if !ingressPorts.insert(number).inserted { findings.error(path.dot("port.number"), "duplicate port \(number)") }
            } else {
                findings.error(path.dot("port"), "a port number is required")
            }
            findings.validateProtocol(listener.port?.protocol, at: path.dot("port.protocol"))
            findings.validateBind(listener.bind, at: path.dot("bind"))
            if let endpoint = listener.defaultEndpoint, !endpoint.isEmpty {
                findings.validateDefaultEndpoint(endpoint, at: path.dot("defaultEndpoint"))
            }
            if let tls = listener.tls {
                tls.validate(at: path.dot("tls"), protocol: listener.port?.protocol?.uppercased(), into: &findings)
            }
            listener.connectionPool?.validate(at: path.dot("connectionPool"), into: &findings)
        }
        let egress = egress ?? []
        var egressPorts: Set<Int> = []
        for (index, listener) in egress.enumerated() {
            let path = "spec.egress".at(index)
            if let number = listener.port?.number {
                findings.validatePort(number, at: path.dot("port.number"))
                if !egressPorts.insert(number).inserted { findings.error(path.dot("port.number"), "duplicate port \(number)") }
            } else if index != egress.count - 1 {
                findings.error(path.dot("port"), "only the last egress listener may omit the port")
            }
            let hosts = listener.hosts ?? []
            if hosts.isEmpty { findings.error(path.dot("hosts"), "at least one host is required") }
            for (hostIndex, host) in hosts.enumerated() {
                findings.validateNamespacedHost(host, at: path.dot("hosts").at(hostIndex), requireNamespace: true)
            }
            findings.validateBind(listener.bind, at: path.dot("bind"))
            if listener.captureMode == SidecarSpec.CaptureMode.none, listener.port == nil {
                findings.error(path.dot("port"), "captureMode NONE needs a port")
            }
        }
        inboundConnectionPool?.validate(at: "spec.inboundConnectionPool", into: &findings)
        if let policy = outboundTrafficPolicy, policy.egressProxy != nil, policy.mode != .allowAny {
            findings.error("spec.outboundTrafficPolicy.egressProxy", "only allowed with mode ALLOW_ANY")
        }
        if let proxy = outboundTrafficPolicy?.egressProxy {
            findings.validateDestination(proxy, at: "spec.outboundTrafficPolicy.egressProxy")
        }
    }
}

extension Findings {
    /// A listener's `bind`: an IP address or `unix://` path.
    mutating func validateBind(_ bind: String?, at path: String) {
        guard let bind, !bind.isEmpty else { return }
        if !bind.hasPrefix("unix://"), !AddressRules.isIP(bind) {
            error(path, "\"\(bind)\" is not an IP address or unix:// path")
        }
    }

    /// `127.0.0.1:PORT`, `0.0.0.0:PORT`, `[::1]:PORT`, `[::]:PORT` or `unix://path`.
    mutating func validateDefaultEndpoint(_ endpoint: String, at path: String) {
        if endpoint.hasPrefix("unix://") { return }
        guard let colon = endpoint.lastIndex(of: ":") else {
            error(path, "\"\(endpoint)\" must be IP:PORT or unix://path")
            return
        }
        var host = String(endpoint[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let port = Int(endpoint[endpoint.index(after: colon)...])
        if !["127.0.0.1", "0.0.0.0", "::1", "::"].contains(host) && !AddressRules.isIP(host) {
            error(path, "\"\(endpoint)\": the address must be a loopback or unspecified IP")
        } else if port.map(AddressRules.isPort) != true {
            error(path, "\"\(endpoint)\": the port must be in 1-65535")
        }
    }
}
