import Discovery

/// Each Gateway a VirtualService binds to exists (IST0101; an Istio Gateway or a
/// Gateway API one), and at least one of the VirtualService's hosts is among that
/// Gateway's server hosts or listener hostnames (IST0132).
public struct VirtualServiceGatewayAnalyzer: Analyzer {
    /// The check's name, in the style of Istio's analyzer names.
    public var name: String { "virtualservice.GatewayAnalyzer" }

    /// The analyzer; it has no settings.
    public init() {}

    /// The findings over `context`.
    public func analyze(_ context: AnalysisContext) -> [AnalysisFinding] {
        var gateways: [ObjectKey: Located<Gateway>] = [:]
        for gateway in context.list(Gateway.self) { gateways[gateway.object.key] = gateway }
        var kubernetesGateways: [ObjectKey: Located<KubernetesGateway>] = [:]
        for gateway in context.list(KubernetesGateway.self) { kubernetesGateways[gateway.object.key] = gateway }
        var findings: [AnalysisFinding] = []
        for virtualService in context.list(VirtualService.self) {
            let spec = virtualService.resource.spec
            for reference in spec.gateways ?? [] where reference != "mesh" {
                let (namespace, name) = GatewayReference.parts(reference, namespace: virtualService.namespace)
                let key = ObjectKey(group: Gateway.groupKind.group, kind: "Gateway", namespace: namespace, name: name)
                let kubernetesKey = ObjectKey(
                    group: KubernetesGateway.groupKind.group, kind: "Gateway", namespace: namespace, name: name)
                let hosts = spec.hosts ?? []
                let admitted: Bool
                if let gateway = gateways[key] {
                    admitted = Self.gateway(gateway, admits: hosts, from: virtualService.namespace)
                } else if let gateway = kubernetesGateways[kubernetesKey] {
                    admitted = Self.gateway(gateway, admits: hosts)
                } else {
                    findings.append(
                        AnalysisFinding(
                            .referencedResourceNotFound, virtualService.object,
                            "Referenced gateway not found: \(istioQuoted(reference))"))
                    continue
                }
                if !admitted {
                    findings.append(
                        AnalysisFinding(
                            .virtualServiceHostNotFoundInGateway, virtualService.object,
                            "one or more host [\(hosts.joined(separator: " "))] defined in VirtualService "
                                + "\(virtualService.object.fullName) not found in Gateway \(namespace)/\(name)."))
                }
            }
        }
        return findings
    }

    /// Whether a listener of the Gateway API `gateway` serves one of `hosts` (a
    /// listener without a hostname serves every host).
    static func gateway(_ gateway: Located<KubernetesGateway>, admits hosts: [String]) -> Bool {
        for listener in gateway.resource.spec.listeners ?? [] {
            guard let hostname = listener.hostname, !hostname.isEmpty else { return true }
            if hosts.contains(where: { HostMatch.matches(hostname, pattern: $0) }) { return true }
        }
        return false
    }

    /// Whether a server host of `gateway` visible to `namespace` matches one of `hosts`.
    /// Server hosts are `host`, `ns/host`, `./host` (the Gateway's namespace) or `*/host`.
    static func gateway(_ gateway: Located<Gateway>, admits hosts: [String], from namespace: String) -> Bool {
        (gateway.resource.spec.servers ?? []).contains { server in
            hosts.contains {
                GatewayHosts.admits(server.hosts ?? [], host: $0, namespace: namespace, gatewayNamespace: gateway.namespace)
            }
        }
    }
}
