extension DestinationRuleSpec {
    public func validate(metadata: ObjectMeta, into findings: inout Findings) {
        if let host, !host.isEmpty {
            findings.validateHost(host, at: "spec.host")
        } else {
            findings.error("spec.host", "required")
        }
        findings.validateExportTo(exportTo, at: "spec.exportTo")
        findings.validateLabels(workloadSelector?.matchLabels, at: "spec.workloadSelector.matchLabels")
        if let trafficPolicy { trafficPolicy.validate(at: "spec.trafficPolicy", into: &findings) }
        var names: Set<String> = []
        for (index, subset) in (subsets ?? []).enumerated() {
            let path = "spec.subsets".at(index)
            if subset.name.isEmpty {
                findings.error(path.dot("name"), "required")
            } else if !NameRules.isDNS1123Label(subset.name) {
                findings.error(path.dot("name"), "\"\(subset.name)\" is not a valid subset name (DNS-1123 label)")
            }
            if !names.insert(subset.name).inserted {
                findings.error(path.dot("name"), "duplicate subset name \"\(subset.name)\"")
            }
            findings.validateLabels(subset.labels, at: path.dot("labels"))
            subset.trafficPolicy?.validate(at: path.dot("trafficPolicy"), into: &findings)
        }
    }
}

extension TrafficPolicy {
    func validate(at path: String, into findings: inout Findings) {
        loadBalancer?.validate(at: path.dot("loadBalancer"), into: &findings)
        connectionPool?.validate(at: path.dot("connectionPool"), into: &findings)
        outlierDetection?.validate(at: path.dot("outlierDetection"), into: &findings)
        tls?.validate(at: path.dot("tls"), into: &findings)
        var ports: Set<Int> = []
        for (index, setting) in (portLevelSettings ?? []).enumerated() {
            let here = path.dot("portLevelSettings").at(index)
            if let number = setting.port?.number {
                findings.validatePort(number, at: here.dot("port.number"))
                if !ports.insert(number).inserted { findings.error(here.dot("port.number"), "duplicate port \(number)") }
            } else {
                findings.error(here.dot("port"), "a port is required")
            }
            setting.loadBalancer?.validate(at: here.dot("loadBalancer"), into: &findings)
            setting.connectionPool?.validate(at: here.dot("connectionPool"), into: &findings)
            setting.outlierDetection?.validate(at: here.dot("outlierDetection"), into: &findings)
            setting.tls?.validate(at: here.dot("tls"), into: &findings)
        }
        if let tunnel {
            if let proto = tunnel.protocol, !["CONNECT", "POST"].contains(proto.uppercased()) {
                findings.error(path.dot("tunnel.protocol"), "\"\(proto)\" must be CONNECT or POST")
            }
            if (tunnel.targetHost ?? "").isEmpty { findings.error(path.dot("tunnel.targetHost"), "required") }
            findings.validatePort(tunnel.targetPort, at: path.dot("tunnel.targetPort"))
        }
        findings.validatePercent(retryBudget?.percent, at: path.dot("retryBudget.percent"))
        findings.validateDuration(retryBudget?.budgetInterval, at: path.dot("retryBudget.budgetInterval"))
    }
}

extension LoadBalancerSettings {
    func validate(at path: String, into findings: inout Findings) {
        let kinds = [simple != nil, consistentHash != nil, backendUtilization != nil].filter { $0 }.count
        if kinds > 1 { findings.error(path, "only one of simple, consistentHash or backendUtilization may be set") }
        if let hash = consistentHash {
            let keys = [hash.httpHeaderName != nil, hash.httpCookie != nil, hash.useSourceIp == true,
                hash.httpQueryParameterName != nil].filter { $0 }.count
            if keys > 1 {
                findings.error(path.dot("consistentHash"), "only one of httpHeaderName, httpCookie, useSourceIp or httpQueryParameterName may be set")
            }
            if let cookie = hash.httpCookie {
                if cookie.name.isEmpty { findings.error(path.dot("consistentHash.httpCookie.name"), "required") }
                if let ttl = cookie.ttl, ttl.duration < .zero {
                    findings.error(path.dot("consistentHash.httpCookie.ttl"), "must not be negative")
                }
            }
            if hash.ringHash != nil, hash.maglev != nil {
                findings.error(path.dot("consistentHash"), "only one of ringHash or maglev may be set")
            }
        }
        if let locality = localityLbSetting {
            let here = path.dot("localityLbSetting")
            if locality.distribute != nil, locality.failover != nil {
                findings.error(here, "only one of distribute or failover may be set")
            }
            for (index, rule) in (locality.distribute ?? []).enumerated() {
                let sum = (rule.to ?? [:]).values.reduce(0, +)
                if sum != 100 { findings.error(here.dot("distribute").at(index).dot("to"), "weights sum to \(sum), must be 100") }
            }
            for (index, rule) in (locality.failover ?? []).enumerated() where rule.from != nil && rule.from == rule.to {
                findings.error(here.dot("failover").at(index), "from and to must differ")
            }
        }
        findings.validateDuration(warmupDurationSecs, at: path.dot("warmupDurationSecs"))
        findings.validateDuration(warmup?.duration, at: path.dot("warmup.duration"))
        findings.validatePercent(warmup?.minimumPercent, at: path.dot("warmup.minimumPercent"))
    }
}

extension ConnectionPoolSettings {
    func validate(at path: String, into findings: inout Findings) {
        if let tcp {
            let here = path.dot("tcp")
            if let value = tcp.maxConnections, value < 0 { findings.error(here.dot("maxConnections"), "must not be negative") }
            findings.validateDuration(tcp.connectTimeout, at: here.dot("connectTimeout"))
            findings.validateDuration(tcp.maxConnectionDuration, at: here.dot("maxConnectionDuration"))
            findings.validateDuration(tcp.idleTimeout, at: here.dot("idleTimeout"))
            findings.validateDuration(tcp.tcpKeepalive?.time, at: here.dot("tcpKeepalive.time"))
            findings.validateDuration(tcp.tcpKeepalive?.interval, at: here.dot("tcpKeepalive.interval"))
        }
        if let http {
            let here = path.dot("http")
            let counts: [(String, Int?)] = [
                ("http1MaxPendingRequests", http.http1MaxPendingRequests), ("http2MaxRequests", http.http2MaxRequests),
                ("maxRequestsPerConnection", http.maxRequestsPerConnection), ("maxRetries", http.maxRetries),
                ("maxConcurrentStreams", http.maxConcurrentStreams),
            ]
            for (name, value) in counts {
                if let value, value < 0 { findings.error(here.dot(name), "must not be negative") }
            }
            findings.validateDuration(http.idleTimeout, at: here.dot("idleTimeout"))
            findings.validateDuration(http.http2KeepAlive?.interval, at: here.dot("http2KeepAlive.interval"))
            findings.validateDuration(http.http2KeepAlive?.timeout, at: here.dot("http2KeepAlive.timeout"))
        }
    }
}

extension OutlierDetection {
    func validate(at path: String, into findings: inout Findings) {
        let counts: [(String, Int?)] = [
            ("consecutiveErrors", consecutiveErrors), ("consecutive5xxErrors", consecutive5xxErrors),
            ("consecutiveGatewayErrors", consecutiveGatewayErrors),
            ("consecutiveLocalOriginFailures", consecutiveLocalOriginFailures),
        ]
        for (name, value) in counts {
            if let value, value < 0 { findings.error(path.dot(name), "must not be negative") }
        }
        findings.validateDuration(interval, at: path.dot("interval"))
        findings.validateDuration(baseEjectionTime, at: path.dot("baseEjectionTime"))
        findings.validatePercent(maxEjectionPercent.map(Double.init), at: path.dot("maxEjectionPercent"))
        findings.validatePercent(minHealthPercent.map(Double.init), at: path.dot("minHealthPercent"))
    }
}

extension ClientTLSSettings {
    func validate(at path: String, into findings: inout Findings) {
        let files = clientCertificate != nil || privateKey != nil || caCertificates != nil
        switch mode {
        case .disable?, .istioMutual?:
            if files || credentialName != nil {
                findings.error(path, "certificates and credentialName cannot be set with mode \(mode!.rawValue)")
            }
        case .mutual?:
            if credentialName == nil, clientCertificate == nil || privateKey == nil {
                findings.error(path, "MUTUAL needs clientCertificate and privateKey, or credentialName")
            }
        default: break
        }
        if credentialName != nil, files {
            findings.error(path, "credentialName cannot be combined with certificate files")
        }
    }
}
