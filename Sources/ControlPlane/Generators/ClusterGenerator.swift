import Discovery
import SwiftProtobuf
import XDS

/// Clusters for one proxy: `outbound|PORT|SUBSET|HOST` for every visible service
/// port and DestinationRule subset, the sidecar's `inbound|PORT||` clusters, and
/// Istio's `BlackHoleCluster` and `PassthroughCluster`.
struct ClusterGenerator {
    let context: PushContext
    let proxy: MeshProxy

    func generate() throws -> [Envoy_Config_Cluster_V3_Cluster] {
        var clusters: [Envoy_Config_Cluster_V3_Cluster] = []
        for service in context.visibleServices(for: proxy) {
            let rule = context.destinationRule(for: service.hostname, serviceNamespace: service.namespace, from: proxy.namespace)
            let accounts = serviceAccounts(of: service)
            for port in service.ports {
                for subset in [nil] + (rule?.spec.subsets ?? []).map(Optional.some) {
                    // A policy Envoy would refuse (a Maglev table that is not prime...)
                    // costs that one cluster, never the proxy's whole update.
                    if let cluster = try? outbound(service, port: port, subset: subset, rule: rule, serviceAccounts: accounts) {
                        clusters.append(cluster)
                    }
                }
            }
        }
        clusters += try InboundListeners(context: context, proxy: proxy).clusters()
        clusters.append(Self.blackHole())
        clusters.append(Self.passthrough(name: MeshNames.passthroughCluster, timeout: connectTimeout))
        if !proxy.isRouter {
            clusters.append(Self.passthrough(name: MeshNames.inboundPassthroughCluster, timeout: connectTimeout))
        }
        return clusters.sorted { $0.name < $1.name }
    }

    var connectTimeout: Google_Protobuf_Duration {
        let text = context.mesh.connectTimeout ?? "10s"
        return EnvoyBlocks.duration(seconds: ConfigDuration(text)?.seconds ?? 10)
    }

    func outbound(
        _ service: MeshService, port: MeshPort, subset: DestinationRuleSpec.Subset?, rule: ScopedDestinationRule?,
        serviceAccounts: [String]
    ) throws -> Envoy_Config_Cluster_V3_Cluster {
        var cluster = Envoy_Config_Cluster_V3_Cluster()
        cluster.name = MeshNames.outboundCluster(host: service.hostname, port: port.number, subset: subset?.name)
        cluster.connectTimeout = connectTimeout
        switch service.resolution {
        case .endpoints:
            cluster.type = .eds
            cluster.edsClusterConfig.edsConfig = EnvoyBlocks.ads
            cluster.edsClusterConfig.serviceName = cluster.name
        case .dns, .dnsRoundRobin:
            cluster.type = service.resolution == .dns ? .strictDns : .logicalDns
            cluster.dnsLookupFamily = .v4Only
            cluster.loadAssignment = EndpointGenerator(context: context)
                .assignment(service: service, port: port, subset: subset, clusterName: cluster.name, dnsFallback: true)
        case .passthrough:
            cluster.type = .originalDst
            cluster.lbPolicy = .clusterProvided
        }
        let input = ClusterPolicyInput(
            host: service.hostname, port: port.number, subset: subset?.name, portProtocol: port.portProtocol,
            destinationRule: rule?.spec.trafficPolicy, subsetPolicy: subset?.trafficPolicy,
            // Auto-mTLS only where some endpoint carries Istio's mTLS label: the socket
            // match would pick plaintext for all others anyway, and a proxy without an
            // agent (no `sds-grpc`) would otherwise wait forever for certificates.
            enableAutoMtls: context.mesh.autoMtlsEnabled && context.registry.acceptsMutualTLS(service),
            serviceMTLSMode: ServiceMTLSMode(context.peerAuthentication.namespaceMode(service.namespace)),
            serviceAccounts: serviceAccounts,
            meshExternal: !service.meshInternal,
            definedByServiceEntry: service.origin.hasPrefix("ServiceEntry"),
            // Gateways read any Secret of their namespace; sidecars only through a
            // DestinationRule that selects them, as Istio allows.
            allowCredentialName: proxy.isRouter || rule?.spec.workloadSelector != nil)
        try ClusterPolicy.apply(input, to: &cluster)
        return cluster
    }

    /// The identities checked in mTLS to `service`: its declared subjectAltNames,
    /// then the SPIFFE ids of its endpoints' service accounts (once per service, not
    /// per cluster).
    func serviceAccounts(of service: MeshService) -> [String] {
        service.subjectAltNames + Set(
            context.registry.endpoints(of: service).compactMap { endpoint -> String? in
                guard let account = endpoint.serviceAccount else { return nil }
                return MeshNames.spiffeID(trustDomain: context.trustDomain, namespace: service.namespace, serviceAccount: account)
            }
        ).sorted()
    }

    static func blackHole() -> Envoy_Config_Cluster_V3_Cluster {
        var cluster = Envoy_Config_Cluster_V3_Cluster()
        cluster.name = MeshNames.blackHoleCluster
        cluster.type = .static
        cluster.connectTimeout = Google_Protobuf_Duration(seconds: 10)
        return cluster
    }

    static func passthrough(name: String, timeout: Google_Protobuf_Duration) -> Envoy_Config_Cluster_V3_Cluster {
        var cluster = Envoy_Config_Cluster_V3_Cluster()
        cluster.name = name
        cluster.type = .originalDst
        cluster.lbPolicy = .clusterProvided
        cluster.connectTimeout = timeout
        return cluster
    }
}
