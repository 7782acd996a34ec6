import Foundation
import SwiftProtobuf

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Who is on the other end of a stream, read from the Node of its first request.
///
/// Istio's node id is `TYPE~IP~ID~DNSDOMAIN` (`sidecar~10.0.0.1~reviews-v1-abc.demo~demo.svc.cluster.local`);
/// the agent adds metadata from `ISTIO_META_*` variables. Proxyless gRPC clients use
/// the same format, so one parser serves every client.
public struct ProxyNode: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case sidecar, router, waypoint, ztunnel
    }

    /// The full node id, which names the proxy in debug output.
    public var id: String
    public var kind: Kind
    /// The proxy's addresses: `INSTANCE_IPS` when the metadata has it, else the id's IP.
    public var ipAddresses: [String]
    /// The id's third part, `POD.NAMESPACE` for Kubernetes workloads.
    public var workloadID: String
    public var dnsDomain: String
    /// Envoy's `node.cluster` (Istio sets it to `APP.NAMESPACE`).
    public var cluster: String
    public var metadata: ProxyMetadata

    /// The namespace whose configuration applies: the `NAMESPACE` metadata, else the
    /// part of the id after the first dot.
    public var namespace: String {
        if let namespace = metadata.namespace, !namespace.isEmpty { return namespace }
        guard let dot = workloadID.firstIndex(of: ".") else { return "" }
        return String(workloadID[workloadID.index(after: dot)...])
    }

    /// Parses a node; the error says exactly what is wrong, for the client's status.
    public init(_ node: Envoy_Config_Core_V3_Node) throws(ProxyNodeError) {
        guard !node.id.isEmpty else {
            throw ProxyNodeError("node.id is empty; expected TYPE~IP~ID~DNSDOMAIN")
        }
        let parts = node.id.split(separator: "~", omittingEmptySubsequences: false)
        guard parts.count == 4 else {
            throw ProxyNodeError(
                "node.id \"\(node.id)\" has \(parts.count) part(s); expected 4, TYPE~IP~ID~DNSDOMAIN"
            )
        }
        guard let kind = Kind(rawValue: String(parts[0])) else {
            let known = Kind.allCases.map(\.rawValue).joined(separator: ", ")
            throw ProxyNodeError("node.id \"\(node.id)\": unknown proxy type \"\(parts[0])\" (one of \(known))")
        }
        guard !parts[2].isEmpty else {
            throw ProxyNodeError("node.id \"\(node.id)\": the ID part is empty")
        }
        let metadata = ProxyMetadata(node.metadata)
        let ips = metadata.instanceIPs.isEmpty ? [String(parts[1])] : metadata.instanceIPs
        // Name where the bad address came from: the id's part is fine when
        // INSTANCE_IPS replaces it, so blaming the id would mislead.
        let origin = metadata.instanceIPs.isEmpty ? "node.id \"\(node.id)\"" : "node metadata INSTANCE_IPS"
        for ip in ips where !Self.isIPAddress(ip) {
            throw ProxyNodeError("\(origin): \"\(ip)\" is not an IP address")
        }
        self.id = node.id
        self.kind = kind
        self.ipAddresses = ips
        self.workloadID = String(parts[2])
        self.dnsDomain = String(parts[3])
        self.cluster = node.cluster
        self.metadata = metadata
    }

    static func isIPAddress(_ text: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, text, &v4) == 1 || inet_pton(AF_INET6, text, &v6) == 1
    }
}

/// Why a node was refused.
public struct ProxyNodeError: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}

/// The node metadata keys Istio's agent sets that the control plane reads.
public struct ProxyMetadata: Sendable, Hashable {
    public var namespace: String?
    public var labels: [String: String]
    public var annotations: [String: String]
    public var serviceAccount: String?
    public var clusterID: String?
    public var network: String?
    public var istioVersion: String?
    public var interceptionMode: String?
    public var workloadName: String?
    public var generator: String?
    public var instanceIPs: [String]

    public init(_ fields: Google_Protobuf_Struct) {
        func string(_ key: String) -> String? {
            guard case .stringValue(let value)? = fields.fields[key]?.kind else { return nil }
            return value
        }
        func map(_ key: String) -> [String: String] {
            guard case .structValue(let inner)? = fields.fields[key]?.kind else { return [:] }
            var result: [String: String] = [:]
            for (name, value) in inner.fields {
                if case .stringValue(let text)? = value.kind { result[name] = text }
            }
            return result
        }
        namespace = string("NAMESPACE")
        labels = map("LABELS")
        annotations = map("ANNOTATIONS")
        serviceAccount = string("SERVICE_ACCOUNT")
        clusterID = string("CLUSTER_ID")
        network = string("NETWORK")
        istioVersion = string("ISTIO_VERSION")
        interceptionMode = string("INTERCEPTION_MODE")
        workloadName = string("WORKLOAD_NAME")
        generator = string("GENERATOR")
        instanceIPs = (string("INSTANCE_IPS") ?? "")
            .split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
    }
}
