import Discovery

/// The findings the security-policy analyzers report. IST0127 is Istio's own;
/// the `CTL02xx` codes are controld's (security checks), with no Istio equivalent.
extension AnalysisMessageType {
    /// A policy's selector (or namespace) picks no workload.
    public static let noMatchingWorkloadsFound = Self(code: "IST0127", name: "NoMatchingWorkloadsFound", level: .warning)
    /// A principal names a trust domain other than the mesh's: only peers from that
    /// domain can match it.
    public static let principalTrustDomainMismatch = Self(
        code: "CTL0201", name: "PrincipalTrustDomainMismatch", level: .warning)
    /// A rule uses HTTP-only fields but applies only to ports that are not HTTP.
    public static let httpFieldsOnTCPPorts = Self(code: "CTL0202", name: "HTTPFieldsOnTCPPorts", level: .warning)
    /// A CUSTOM policy: controld configures no external authorizer and fails closed.
    public static let customActionNotSupported = Self(code: "CTL0203", name: "CustomActionNotSupported", level: .error)
}

/// Where a security policy (AuthorizationPolicy, RequestAuthentication) applies,
/// for analysis: its namespace's workloads, or every namespace's from the root
/// namespace, narrowed by `selector.matchLabels`, as translation selects them.
struct SecurityPolicyScope {
    var namespace: String
    var selector: [String: String]?
    var rootNamespace: String
    /// `targetRef(s)`: attached to a gateway, not to workloads by labels.
    var targetsGateways: Bool

    /// Pods and WorkloadEntries the policy applies to.
    func workloads(in context: AnalysisContext) -> [AnalyzedWorkload] {
        guard !targetsGateways else { return [] }
        return context.workloads.filter { workload in
            (namespace == rootNamespace || workload.namespace == namespace)
                && workload.labels.contains(selector: selector ?? [:])
        }
    }

    /// `app=a,version=v1`: Kubernetes' selector text, the way Istio's message prints it.
    var selectorText: String {
        (selector ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
    }
}

/// One port a workload serves, with what it speaks.
struct WorkloadPort: Hashable {
    /// The port the workload listens on (the target port): what `to.ports` names.
    var number: Int
    var portProtocol: PortProtocol
}

extension AnalysisContext {
    /// The ports the Services and ServiceEntries selecting `workload` give it, with
    /// Istio's protocol resolution; empty when no service selects it.
    func ports(of workload: AnalyzedWorkload) -> Set<WorkloadPort> {
        var ports: Set<WorkloadPort> = []
        for service in list(Service.self) where service.namespace == workload.namespace {
            guard let selector = service.resource.spec.selector, !selector.isEmpty,
                workload.labels.contains(selector: selector)
            else { continue }
            for port in service.resource.spec.ports ?? [] {
                let number: Int = if case .int(let target)? = port.targetPort { target } else { port.port }
                ports.insert(WorkloadPort(
                    number: number,
                    portProtocol: PortProtocol.resolve(declared: nil, appProtocol: port.appProtocol, name: port.name)))
            }
        }
        for entry in list(ServiceEntry.self) where entry.namespace == workload.namespace {
            guard let selector = entry.resource.spec.workloadSelector?.labels, !selector.isEmpty,
                workload.labels.contains(selector: selector)
            else { continue }
            for port in entry.resource.spec.ports ?? [] {
                guard let number = port.targetPort ?? port.number else { continue }
                ports.insert(WorkloadPort(
                    number: number, portProtocol: PortProtocol.resolve(declared: port.protocol, name: port.name)))
            }
        }
        return ports
    }
}

extension AuthorizationPolicySpec {
    /// Where this policy (in `namespace`) applies.
    func scope(namespace: String, rootNamespace: String) -> SecurityPolicyScope {
        SecurityPolicyScope(
            namespace: namespace, selector: selector?.matchLabels, rootNamespace: rootNamespace,
            targetsGateways: targetRef != nil || !(targetRefs ?? []).isEmpty)
    }
}
