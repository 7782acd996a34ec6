import Foundation

// Kubernetes kinds arrive already checked by the API server when they come from
// one; from files they get the checks a mesh depends on: names, ports, selectors.

extension NamespaceSpec {
    public func validate(metadata: ObjectMeta, into findings: inout Findings) {
        if let name = metadata.name, !NameRules.isDNS1123Label(name) {
            findings.error("metadata.name", "\"\(name)\" is not a valid namespace name (DNS-1123 label)")
        }
    }
}

extension ServiceSpec {
    public func validate(metadata: ObjectMeta, into findings: inout Findings) {
        findings.validateLabels(selector, at: "spec.selector")
        var names: Set<String> = []
        for (index, port) in (ports ?? []).enumerated() {
            let path = "spec.ports".at(index)
            findings.validatePort(port.port, at: path.dot("port"))
            if case .int(let target) = port.targetPort { findings.validatePort(target, at: path.dot("targetPort")) }
            if let name = port.name {
                if !NameRules.isDNS1123Label(name) {
                    findings.error(path.dot("name"), "\"\(name)\" is not a valid port name (DNS-1123 label)")
                }
                if !names.insert(name).inserted { findings.error(path.dot("name"), "duplicate port name \"\(name)\"") }
            } else if (ports ?? []).count > 1 {
                findings.error(path.dot("name"), "required when a Service has several ports")
            }
        }
        if type == "ExternalName", (externalName ?? "").isEmpty {
            findings.error("spec.externalName", "required for type ExternalName")
        }
    }
}

extension PodSpec {
    public func validate(metadata: ObjectMeta, into findings: inout Findings) {
        for (listName, list) in [("containers", containers ?? []), ("initContainers", initContainers ?? [])] {
            for (index, container) in list.enumerated() {
                let path = "spec".dot(listName).at(index)
                for (portIndex, port) in (container.ports ?? []).enumerated() {
                    findings.validatePort(port.containerPort, at: path.dot("ports").at(portIndex).dot("containerPort"))
                }
                if let policy = container.restartPolicy {
                    if listName == "containers" {
                        findings.error(path.dot("restartPolicy"), "only init containers may set restartPolicy")
                    } else if policy != "Always" {
                        findings.error(path.dot("restartPolicy"), "\"\(policy)\" is not supported (only \"Always\")")
                    }
                }
            }
        }
    }
}

extension NodeSpec {
    public func validate(metadata: ObjectMeta, into findings: inout Findings) {}
}

extension EndpointSlice {
    public func validate(into findings: inout Findings) {
        findings.validateMetadata(metadata, namespaced: true)
        guard ["IPv4", "IPv6", "FQDN"].contains(addressType) else {
            findings.error("addressType", "\"\(addressType)\" is not IPv4, IPv6 or FQDN")
            return
        }
        for (index, endpoint) in (endpoints ?? []).enumerated() {
            for (addressIndex, address) in endpoint.addresses.enumerated() {
                let valid =
                    switch addressType {
                    case "IPv4": AddressRules.isIPv4(address)
                    case "IPv6": AddressRules.isIPv6(address)
                    default: NameRules.isDNS1123Subdomain(address)
                    }
                if !valid {
                    findings.error("endpoints".at(index).dot("addresses").at(addressIndex), "\"\(address)\" is not an \(addressType) address")
                }
            }
        }
        for (index, port) in (ports ?? []).enumerated() {
            findings.validatePort(port.port, at: "ports".at(index).dot("port"))
        }
    }
}

extension ConfigMap {
    public func validate(into findings: inout Findings) {
        findings.validateMetadata(metadata, namespaced: true)
    }
}

extension Secret {
    public func validate(into findings: inout Findings) {
        findings.validateMetadata(metadata, namespaced: true)
        for (key, value) in (data ?? [:]).sorted(by: { $0.key < $1.key }) where Data(base64Encoded: value) == nil {
            findings.error("data".key(key), "not valid base64")
        }
    }
}
