import Discovery
import Foundation

/// Each VirtualService destination (routes and mirrors) names a known host (IST0101),
/// a port that host declares (IST0101 `host:port`), and a port whenever the host has
/// several (IST0112). Hosts come from Services and ServiceEntries visible to the
/// VirtualService's namespace.
public struct DestinationHostAnalyzer: Analyzer {
    /// The check's name, in the style of Istio's analyzer names.
    public var name: String { "virtualservice.DestinationHostAnalyzer" }

    /// The analyzer; it has no settings.
    public init() {}

    /// The findings over `context`.
    public func analyze(_ context: AnalysisContext) -> [AnalysisFinding] {
        var findings: [AnalysisFinding] = []
        for virtualService in context.list(VirtualService.self) {
            let spec = virtualService.resource.spec
            for (destination, isMirror) in Self.destinations(of: spec) {
                guard
                    let service = context.services.service(
                        for: destination.host, from: virtualService.namespace, exportTo: spec.exportTo,
                        resolver: context.resolver)
                else {
                    let reference = isMirror ? "mirror host" : "host"
                    findings.append(
                        AnalysisFinding(
                            .referencedResourceNotFound, virtualService.object,
                            "Referenced \(reference) not found: \(istioQuoted(destination.host))"))
                    continue
                }
                if let port = destination.port?.number {
                    if !service.ports.contains(where: { $0.number == port }) {
                        findings.append(
                            AnalysisFinding(
                                .referencedResourceNotFound, virtualService.object,
                                "Referenced host:port not found: \(istioQuoted("\(destination.host):\(port)"))"))
                    }
                } else if service.ports.count > 1 {
                    let ports = service.ports.map { String($0.number) }.joined(separator: " ")
                    findings.append(
                        AnalysisFinding(
                            .virtualServiceDestinationPortSelectorRequired, virtualService.object,
                            "This VirtualService routes to a service \(istioQuoted(destination.host)) that exposes multiple "
                                + "ports [\(ports)]. Specifying a port in the destination is required to disambiguate."))
                }
            }
        }
        return findings
    }

    /// Every destination of `spec`: TCP, TLS and HTTP routes, then HTTP mirrors.
    static func destinations(of spec: VirtualServiceSpec) -> [(Destination, isMirror: Bool)] {
        var routes: [Destination] = []
        for route in spec.tcp ?? [] { routes += (route.route ?? []).map(\.destination) }
        for route in spec.tls ?? [] { routes += (route.route ?? []).map(\.destination) }
        for route in spec.http ?? [] { routes += (route.route ?? []).map(\.destination) }
        var mirrors: [Destination] = []
        for route in spec.http ?? [] {
            if let mirror = route.mirror { mirrors.append(mirror) }
            mirrors += (route.mirrors ?? []).map(\.destination)
        }
        return routes.map { ($0, false) } + mirrors.map { ($0, true) }
    }
}
