extension GatewaySpec {
    public func validate(metadata: ObjectMeta, into findings: inout Findings) {
        findings.validateLabels(selector, at: "spec.selector")
        let servers = servers ?? []
        if servers.isEmpty { findings.error("spec.servers", "at least one server is required") }
        var portNames: Set<String> = []
        var serverNames: Set<String> = []
        for (index, server) in servers.enumerated() {
            let path = "spec.servers".at(index)
            if let port = server.port {
                if port.number == nil { findings.error(path.dot("port.number"), "required") }
                findings.validatePort(port.number, at: path.dot("port.number"))
                findings.validatePort(port.targetPort, at: path.dot("port.targetPort"))
                if let proto = port.protocol { findings.validateProtocol(proto, at: path.dot("port.protocol")) } else {
                    findings.error(path.dot("port.protocol"), "required")
                }
                if let name = port.name, !name.isEmpty, !portNames.insert(name).inserted {
                    findings.error(path.dot("port.name"), "duplicate port name \"\(name)\"")
                }
            } else {
                findings.error(path.dot("port"), "required")
            }
            if let name = server.name, !name.isEmpty, !serverNames.insert(name).inserted {
                findings.error(path.dot("name"), "duplicate server name \"\(name)\"")
            }
            let hosts = server.hosts ?? []
            if hosts.isEmpty { findings.error(path.dot("hosts"), "at least one host is required") }
            for (hostIndex, host) in hosts.enumerated() {
                findings.validateNamespacedHost(host, at: path.dot("hosts").at(hostIndex))
            }
            if let bind = server.bind, !bind.hasPrefix("unix://"), !AddressRules.isIP(bind) {
                findings.error(path.dot("bind"), "\"\(bind)\" is not an IP address or unix:// path")
            }
            let proto = server.port?.protocol?.uppercased()
            if let tls = server.tls {
                tls.validate(at: path.dot("tls"), protocol: proto, into: &findings)
            } else if proto == "HTTPS" {
                findings.error(path.dot("tls"), "an HTTPS server needs tls settings")
            }
        }
    }
}

extension ServerTLSSettings {
    func validate(at path: String, protocol proto: String?, into findings: inout Findings) {
        if httpsRedirect == true, mode == nil { return }
        let hasFiles = serverCertificate != nil || privateKey != nil
        let hasCredential = credentialName != nil || !(credentialNames ?? []).isEmpty || !(tlsCertificates ?? []).isEmpty
        switch mode ?? .passthrough {
        case .simple, .mutual, .optionalMutual:
            if !hasCredential, serverCertificate == nil || privateKey == nil {
                findings.error(path, "mode \((mode ?? .simple).rawValue) needs serverCertificate and privateKey, or credentialName")
            }
            if (mode == .mutual || mode == .optionalMutual), !hasCredential, caCertificates == nil, caCertCredentialName == nil {
                findings.error(path, "mode \(mode!.rawValue) needs caCertificates or credentialName")
            }
            if hasCredential, hasFiles {
                findings.error(path, "credentialName cannot be combined with certificate files")
            }
        case .passthrough, .autoPassthrough:
            if let proto, proto != "TLS" {
                findings.error(path.dot("mode"), "\((mode ?? .passthrough).rawValue) needs protocol TLS, not \(proto)")
            }
        case .istioMutual:
            if hasFiles || hasCredential {
                findings.error(path, "ISTIO_MUTUAL cannot set certificates or credentialName")
            }
        }
        if let min = minProtocolVersion, let max = maxProtocolVersion, min != .auto, max != .auto,
            min.rawValue > max.rawValue
        {
            findings.error(path, "minProtocolVersion \(min.rawValue) is above maxProtocolVersion \(max.rawValue)")
        }
    }
}

extension Findings {
    /// `[namespace/]host` as Gateway servers and Sidecar egress list them; the
    /// namespace may be `*`, `.` or `~`.
    mutating func validateNamespacedHost(_ entry: String, at path: String, requireNamespace: Bool = false) {
        let parts = entry.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2 else {
            error(path, "\"\(entry)\" must be [namespace/]host")
            return
        }
        if parts.count == 2 {
            let namespace = String(parts[0])
            if namespace != "*", namespace != ".", namespace != "~", !NameRules.isDNS1123Label(namespace) {
                error(path, "\"\(namespace)\" in \"\(entry)\" is not \"*\", \".\", \"~\" or a namespace")
            }
        } else if requireNamespace {
            error(path, "\"\(entry)\" must be namespace/host")
            return
        }
        validateHost(String(parts.last!), at: path)
    }
}
