extension KubernetesGatewaySpec {
    public func validate(metadata: ObjectMeta, into findings: inout Findings) {
        if (gatewayClassName ?? "").isEmpty { findings.error("spec.gatewayClassName", "required") }
        let listeners = listeners ?? []
        if listeners.isEmpty { findings.error("spec.listeners", "at least one listener is required") }
        var names: Set<String> = []
        for (index, listener) in listeners.enumerated() {
            let path = "spec.listeners".at(index)
            if !names.insert(listener.name).inserted { findings.error(path.dot("name"), "duplicate listener name \"\(listener.name)\"") }
            findings.validatePort(listener.port, at: path.dot("port"))
            if let hostname = listener.hostname {
                if hostname == "*" {
                    findings.error(path.dot("hostname"), "\"*\" alone is not allowed (omit hostname to match all)")
                } else {
                    findings.validateHost(hostname, at: path.dot("hostname"))
                }
            }
            switch listener.protocol {
            case "HTTPS", "TLS":
                if listener.tls == nil { findings.error(path.dot("tls"), "required for protocol \(listener.protocol)") }
                if listener.tls?.mode ?? .terminate == .terminate, (listener.tls?.certificateRefs ?? []).isEmpty {
                    findings.error(path.dot("tls.certificateRefs"), "required in Terminate mode")
                }
            case "HTTP", "TCP", "UDP":
                if listener.tls != nil { findings.error(path.dot("tls"), "not allowed for protocol \(listener.protocol)") }
            default:
                if !listener.protocol.contains("/") {
                    findings.error(path.dot("protocol"), "unknown protocol \"\(listener.protocol)\"")
                }
            }
        }
    }
}

extension HTTPRouteSpec {
    public func validate(metadata: ObjectMeta, into findings: inout Findings) {
        for (index, hostname) in (hostnames ?? []).enumerated() {
            findings.validateHost(hostname, at: "spec.hostnames".at(index))
        }
        for (index, parent) in (parentRefs ?? []).enumerated() {
            findings.validatePort(parent.port, at: "spec.parentRefs".at(index).dot("port"))
        }
        for (index, rule) in (rules ?? []).enumerated() {
            let path = "spec.rules".at(index)
            for (matchIndex, match) in (rule.matches ?? []).enumerated() {
                let here = path.dot("matches").at(matchIndex)
                if let pathMatch = match.path {
                    let value = pathMatch.value ?? "/"
                    switch pathMatch.type ?? .pathPrefix {
                    case .regularExpression: findings.validateRegex(value, at: here.dot("path.value"))
                    case .exact, .pathPrefix:
                        if !value.hasPrefix("/") { findings.error(here.dot("path.value"), "must start with \"/\"") }
                    }
                }
                for (headerIndex, header) in (match.headers ?? []).enumerated() where header.type == .regularExpression {
                    findings.validateRegex(header.value, at: here.dot("headers").at(headerIndex).dot("value"))
                }
                for (paramIndex, param) in (match.queryParams ?? []).enumerated() where param.type == .regularExpression {
                    findings.validateRegex(param.value, at: here.dot("queryParams").at(paramIndex).dot("value"))
                }
            }
            for (refIndex, backend) in (rule.backendRefs ?? []).enumerated() {
                let here = path.dot("backendRefs").at(refIndex)
                if (backend.kind ?? "Service") == "Service", (backend.group ?? "").isEmpty, backend.port == nil {
                    findings.error(here.dot("port"), "required for a Service backend")
                }
                findings.validatePort(backend.port, at: here.dot("port"))
                if let weight = backend.weight, !(0...1_000_000).contains(weight) {
                    findings.error(here.dot("weight"), "weight \(weight) must be in 0-1000000")
                }
            }
            for (filterIndex, filter) in (rule.filters ?? []).enumerated() {
                let here = path.dot("filters").at(filterIndex)
                if let code = filter.requestRedirect?.statusCode, code != 301, code != 302 {
                    findings.error(here.dot("requestRedirect.statusCode"), "\(code) must be 301 or 302")
                }
                let configured: Bool =
                    switch filter.type {
                    case .requestHeaderModifier: filter.requestHeaderModifier != nil
                    case .responseHeaderModifier: filter.responseHeaderModifier != nil
                    case .requestMirror: filter.requestMirror != nil
                    case .requestRedirect: filter.requestRedirect != nil
                    case .urlRewrite: filter.urlRewrite != nil
                    case .extensionRef: filter.extensionRef != nil
                    case .cors: filter.cors != nil
                    }
                if !configured { findings.error(here, "type \(filter.type.rawValue) needs its matching field") }
            }
            if let timeouts = rule.timeouts, let request = timeouts.request, let backend = timeouts.backendRequest,
                request.duration > .zero, backend.duration > request.duration
            {
                findings.error(path.dot("timeouts.backendRequest"), "longer than timeouts.request")
            }
        }
    }
}
