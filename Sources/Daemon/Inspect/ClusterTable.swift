public import XDS

/// `controld proxy-config clusters`: istioctl's SERVICE FQDN, PORT, SUBSET,
/// DIRECTION, TYPE, DESTINATION RULE, read from Istio's cluster names
/// (`outbound|PORT|SUBSET|HOST`); other clusters show their whole name.
public enum ClusterTable {
    public static func make(_ clusters: [Envoy_Config_Cluster_V3_Cluster]) -> TextTable {
        let rows = clusters.map { cluster -> (key: Key, row: [String]) in
            let key = Key(cluster.name)
            let row = [
                key.host, key.port.map(String.init) ?? "-", key.subset.isEmpty ? "-" : key.subset,
                key.direction.isEmpty ? "-" : key.direction, typeName(cluster.type),
                IstioMetadata.configName(cluster.metadata),
            ]
            return (key, row)
        }
        return TextTable(
            header: ["SERVICE FQDN", "PORT", "SUBSET", "DIRECTION", "TYPE", "DESTINATION RULE"],
            rows: rows.sorted { $0.key < $1.key }.map(\.row),
            padding: 5
        )
    }

    /// The parts of an Istio cluster name, ordered as istioctl sorts them.
    struct Key: Comparable {
        var host: String
        var subset = ""
        var port: Int?
        var direction = ""

        init(_ name: String) {
            let parts = name.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 4 else {
                host = name
                return
            }
            direction = parts[0]
            port = Int(parts[1])
            subset = parts[2]
            host = parts[3]
        }

        static func < (lhs: Key, rhs: Key) -> Bool {
            (lhs.host, lhs.subset, lhs.port ?? 0, lhs.direction) < (rhs.host, rhs.subset, rhs.port ?? 0, rhs.direction)
        }
    }

    /// The discovery type as Envoy's enum spells it.
    static func typeName(_ type: Envoy_Config_Cluster_V3_Cluster.DiscoveryType) -> String {
        switch type {
        case .static: "STATIC"
        case .strictDns: "STRICT_DNS"
        case .logicalDns: "LOGICAL_DNS"
        case .eds: "EDS"
        case .originalDst: "ORIGINAL_DST"
        case .UNRECOGNIZED(let value): "\(value)"
        }
    }
}
