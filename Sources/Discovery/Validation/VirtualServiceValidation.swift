import Foundation

extension VirtualServiceSpec {
    public func validate(metadata: ObjectMeta, into findings: inout Findings) {
        let hosts = hosts ?? []
        // Only a delegate VirtualService (HTTP routes only, included from another one)
        // may omit hosts, and it cannot be bound to gateways.
        if hosts.isEmpty, !(gateways ?? []).isEmpty || !(tcp ?? []).isEmpty || !(tls ?? []).isEmpty {
            findings.error("spec.hosts", "at least one host is required (only a delegate with http routes may omit hosts)")
        }
        if hosts.isEmpty, (http ?? []).contains(where: { $0.delegate != nil }) {
            findings.error("spec.http", "a delegate VirtualService cannot delegate further")
        }
        for (index, host) in hosts.enumerated() {
            findings.validateHost(host, at: "spec.hosts".at(index))
        }
        for (index, gateway) in (gateways ?? []).enumerated() {
            findings.validateGatewayReference(gateway, at: "spec.gateways".at(index))
        }
        findings.validateExportTo(exportTo, at: "spec.exportTo")
        if (http ?? []).isEmpty, (tcp ?? []).isEmpty, (tls ?? []).isEmpty {
            findings.error("spec", "at least one of http, tcp or tls routes is required")
        }
        for (index, route) in (http ?? []).enumerated() {
            route.validate(at: "spec.http".at(index), into: &findings)
        }
        for (index, route) in (tcp ?? []).enumerated() {
            let path = "spec.tcp".at(index)
            for (matchIndex, match) in (route.match ?? []).enumerated() {
                let here = path.dot("match").at(matchIndex)
                findings.validatePort(match.port, at: here.dot("port"))
                findings.validateLabels(match.sourceLabels, at: here.dot("sourceLabels"))
                for (subnetIndex, subnet) in (match.destinationSubnets ?? []).enumerated()
                where !AddressRules.isIPOrCIDR(subnet) {
                    findings.error(here.dot("destinationSubnets").at(subnetIndex), "\"\(subnet)\" is not an IP or CIDR")
                }
            }
            findings.validateRouteDestinations(route.route?.map { ($0.destination, $0.weight) }, at: path.dot("route"))
        }
        for (index, route) in (tls ?? []).enumerated() {
            let path = "spec.tls".at(index)
            if (route.match ?? []).isEmpty { findings.error(path.dot("match"), "TLS routes need at least one match") }
            for (matchIndex, match) in (route.match ?? []).enumerated() {
                let here = path.dot("match").at(matchIndex)
                if (match.sniHosts ?? []).isEmpty { findings.error(here.dot("sniHosts"), "at least one SNI host is required") }
                for (sniIndex, sni) in (match.sniHosts ?? []).enumerated() {
                    findings.validateHost(sni, at: here.dot("sniHosts").at(sniIndex))
                }
                findings.validatePort(match.port, at: here.dot("port"))
                findings.validateLabels(match.sourceLabels, at: here.dot("sourceLabels"))
            }
            findings.validateRouteDestinations(route.route?.map { ($0.destination, $0.weight) }, at: path.dot("route"))
        }
    }
}

extension VirtualServiceSpec.HTTPRoute {
    func validate(at path: String, into findings: inout Findings) {
        let actions = [route?.isEmpty == false, redirect != nil, directResponse != nil, delegate != nil]
            .filter { $0 }.count
        if actions == 0 {
            findings.error(path, "one of route, redirect, directResponse or delegate is required")
        } else if actions > 1 {
            findings.error(path, "only one of route, redirect, directResponse or delegate may be set")
        }
        for (index, match) in (match ?? []).enumerated() {
            let here = path.dot("match").at(index)
            findings.validateStringMatch(match.uri, at: here.dot("uri"))
            findings.validateStringMatch(match.scheme, at: here.dot("scheme"))
            findings.validateStringMatch(match.method, at: here.dot("method"))
            findings.validateStringMatch(match.authority, at: here.dot("authority"))
            for (name, value) in (match.headers ?? [:]).sorted(by: { $0.key < $1.key }) {
                findings.validateHeaderName(name, at: here.dot("headers").key(name))
                findings.validateStringMatch(value, at: here.dot("headers").key(name))
            }
            for (name, value) in (match.withoutHeaders ?? [:]).sorted(by: { $0.key < $1.key }) {
                findings.validateStringMatch(value, at: here.dot("withoutHeaders").key(name))
            }
            for (name, value) in (match.queryParams ?? [:]).sorted(by: { $0.key < $1.key }) {
                findings.validateStringMatch(value, at: here.dot("queryParams").key(name))
            }
            findings.validatePort(match.port, at: here.dot("port"))
            findings.validateLabels(match.sourceLabels, at: here.dot("sourceLabels"))
        }
        if let route {
            findings.validateRouteDestinations(route.map { ($0.destination, $0.weight) }, at: path.dot("route"))
        }
        if let redirect {
            let here = path.dot("redirect")
            if let code = redirect.redirectCode, ![301, 302, 303, 307, 308].contains(code) {
                findings.error(here.dot("redirectCode"), "redirect code \(code) must be one of 301, 302, 303, 307, 308")
            }
            findings.validatePort(redirect.port, at: here.dot("port"))
            if redirect.port != nil, redirect.derivePort != nil {
                findings.error(here, "only one of port or derivePort may be set")
            }
            if redirect.uri != nil, redirect.prefixRewrite != nil {
                findings.error(here, "only one of uri or prefixRewrite may be set")
            }
        }
        if let directResponse {
            if !(200...599).contains(directResponse.status) {
                findings.error(path.dot("directResponse.status"), "status \(directResponse.status) must be in 200-599")
            }
            if let body = directResponse.body, body.string != nil, body.bytes != nil {
                findings.error(path.dot("directResponse.body"), "only one of string or bytes may be set")
            }
        }
        if let rewrite {
            if rewrite.uri != nil, rewrite.uriRegexRewrite != nil {
                findings.error(path.dot("rewrite"), "only one of uri or uriRegexRewrite may be set")
            }
            findings.validateRegex(rewrite.uriRegexRewrite?.match, at: path.dot("rewrite.uriRegexRewrite.match"))
        }
        findings.validateDuration(timeout, at: path.dot("timeout"))
        if let retries {
            let here = path.dot("retries")
            if let attempts = retries.attempts, attempts < 0 {
                findings.error(here.dot("attempts"), "attempts \(attempts) must not be negative")
            }
            findings.validateDuration(retries.perTryTimeout, at: here.dot("perTryTimeout"))
            findings.validateDuration(retries.backoff, at: here.dot("backoff"))
            if let perTry = retries.perTryTimeout, let timeout, timeout.duration > .zero, perTry.duration > timeout.duration {
                findings.error(
                    here.dot("perTryTimeout"), "perTryTimeout \(perTry.text) is longer than the route's timeout \(timeout.text)")
            }
            if let retryOn = retries.retryOn {
                for policy in retryOn.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                    if Int(policy).map({ (100...599).contains($0) }) == true { continue }
                    if !Self.retryPolicies.contains(policy) {
                        findings.error(here.dot("retryOn"), "unknown retry policy \"\(policy)\"")
                    }
                }
            }
        }
        if let fault {
            let here = path.dot("fault")
            if fault.delay == nil, fault.abort == nil { findings.error(here, "one of delay or abort is required") }
            if let delay = fault.delay {
                if delay.fixedDelay == nil, delay.exponentialDelay == nil {
                    findings.error(here.dot("delay"), "fixedDelay is required")
                }
                findings.validateDuration(delay.fixedDelay, at: here.dot("delay.fixedDelay"))
                findings.validateDuration(delay.exponentialDelay, at: here.dot("delay.exponentialDelay"))
                findings.validatePercent(delay.percentage?.value, at: here.dot("delay.percentage.value"))
                findings.validatePercent(delay.percent.map(Double.init), at: here.dot("delay.percent"))
            }
            if let abort = fault.abort {
                let set = [abort.httpStatus != nil, abort.grpcStatus != nil, abort.http2Error != nil].filter { $0 }.count
                if set != 1 { findings.error(here.dot("abort"), "exactly one of httpStatus, grpcStatus or http2Error is required") }
                if let status = abort.httpStatus, !(200...599).contains(status) {
                    findings.error(here.dot("abort.httpStatus"), "status \(status) must be in 200-599")
                }
                findings.validatePercent(abort.percentage?.value, at: here.dot("abort.percentage.value"))
            }
        }
        if let mirror {
            findings.validateDestination(mirror, at: path.dot("mirror"))
            if mirrors != nil { findings.error(path, "only one of mirror or mirrors may be set") }
        }
        for (index, policy) in (mirrors ?? []).enumerated() {
            findings.validateDestination(policy.destination, at: path.dot("mirrors").at(index).dot("destination"))
            findings.validatePercent(policy.percentage?.value, at: path.dot("mirrors").at(index).dot("percentage.value"))
        }
        findings.validatePercent(mirrorPercentage?.value, at: path.dot("mirrorPercentage.value"))
        findings.validatePercent((mirrorPercent ?? mirror_percent).map(Double.init), at: path.dot("mirrorPercent"))
        if let cors = corsPolicy {
            for (index, origin) in (cors.allowOrigins ?? []).enumerated() {
                findings.validateStringMatch(origin, at: path.dot("corsPolicy.allowOrigins").at(index))
            }
        }
        if let delegate, delegate.name == nil || delegate.name?.isEmpty == true {
            findings.error(path.dot("delegate.name"), "required")
        }
    }

    /// Envoy's `retry_on` values (plus the gRPC ones Istio passes through).
    static let retryPolicies: Set<String> = [
        "5xx", "gateway-error", "reset", "reset-before-request", "connect-failure", "envoy-ratelimited",
        "retriable-4xx", "refused-stream", "retriable-status-codes", "retriable-headers",
        "http3-post-connect-failure", "cancelled", "deadline-exceeded", "internal", "resource-exhausted",
        "unavailable",
    ]
}

extension Findings {
    /// Weighted destinations: each valid; several need weights summing to 100.
    mutating func validateRouteDestinations(_ destinations: [(Destination, Int?)]?, at path: String) {
        guard let destinations, !destinations.isEmpty else {
            error(path, "at least one destination is required")
            return
        }
        var sum = 0
        for (index, (destination, weight)) in destinations.enumerated() {
            validateDestination(destination, at: path.at(index).dot("destination"))
            if let weight, weight < 0 { error(path.at(index).dot("weight"), "weight \(weight) must not be negative") }
            sum += weight ?? 0
        }
        if destinations.count > 1, sum != 100 {
            error(path, "weights sum to \(sum), must be 100")
        }
    }

    /// A destination: a host, an optional subset name, a port in range.
    mutating func validateDestination(_ destination: Destination, at path: String) {
        if destination.host.isEmpty {
            error(path.dot("host"), "required")
        } else if destination.host != "*" {
            validateHost(destination.host, at: path.dot("host"))
            if destination.host.hasPrefix("*") { error(path.dot("host"), "a destination host cannot be a wildcard") }
        } else {
            error(path.dot("host"), "a destination host cannot be a wildcard")
        }
        if let subset = destination.subset, !subset.isEmpty, !NameRules.isDNS1123Label(subset) {
            error(path.dot("subset"), "\"\(subset)\" is not a valid subset name (DNS-1123 label)")
        }
        validatePort(destination.port?.number, at: path.dot("port.number"))
    }

    /// `mesh` or `[namespace/]name` of a Gateway.
    mutating func validateGatewayReference(_ reference: String, at path: String) {
        if reference == "mesh" { return }
        let parts = reference.split(separator: "/", omittingEmptySubsequences: false)
        let valid: Bool
        switch parts.count {
        case 1: valid = NameRules.isDNS1123Subdomain(parts[0])
        case 2: valid = NameRules.isDNS1123Label(parts[0]) && NameRules.isDNS1123Subdomain(parts[1])
        default: valid = false
        }
        if !valid { error(path, "\"\(reference)\" is not \"mesh\" or a gateway as [namespace/]name") }
    }

    /// An HTTP header name: lowercase token characters (Envoy matches lowercase names).
    mutating func validateHeaderName(_ name: String, at path: String) {
        if name.isEmpty || name != name.lowercased() {
            error(path, "header name \"\(name)\" must be lowercase and not empty")
        }
    }
}
