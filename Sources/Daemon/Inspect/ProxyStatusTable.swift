public import XDS

/// `controld proxy-status`: one row per connected proxy, like `istioctl proxy-status`.
public enum ProxyStatusTable {
    /// The xDS columns, in istioctl's order, with the type each one reports.
    static let typeColumns: [(title: String, type: TypeURL)] = [
        ("CDS", .cluster), ("LDS", .listener), ("EDS", .endpoint), ("RDS", .route),
    ]

    /// The table for `statuses` (a `/debug/syncz` body), sorted by proxy.
    public static func make(_ statuses: [ProxySyncStatus]) -> TextTable {
        let header = ["NAME", "CLUSTER"] + typeColumns.map(\.title) + ["ISTIOD", "VERSION"]
        let rows = statuses.sorted { ($0.proxyID, $0.connectionID) < ($1.proxyID, $1.connectionID) }.map { status in
            let states = typeColumns.map { column in
                status.types.first { $0.typeURL == column.type.rawValue }?.state.rawValue
                    ?? TypeSyncStatus.State.notSent.rawValue
            }
            return [status.proxyID, nonEmpty(status.clusterID)] + states
                + [nonEmpty(status.controlPlane), nonEmpty(status.istioVersion)]
        }
        return TextTable(header: header, rows: rows, padding: 5)
    }

    static func nonEmpty(_ text: String?) -> String {
        guard let text, !text.isEmpty else { return "-" }
        return text
    }
}
