public import XDS

/// `controld proxy-config endpoints`: one row per endpoint with istioctl's
/// ENDPOINT, STATUS, OUTLIER CHECK and CLUSTER. Outlier checks happen inside
/// Envoy, so the control plane shows "-" there.
public enum EndpointTable {
    public static func make(_ assignments: [Envoy_Config_Endpoint_V3_ClusterLoadAssignment]) -> TextTable {
        var rows: [[String]] = []
        for assignment in assignments {
            for locality in assignment.endpoints {
                for endpoint in locality.lbEndpoints {
                    let socket = endpoint.endpoint.address.socketAddress
                    rows.append([
                        "\(socket.address):\(socket.portValue)", status(endpoint.healthStatus), "-",
                        assignment.clusterName,
                    ])
                }
            }
        }
        rows.sort { ($0[3], $0[0]) < ($1[3], $1[0]) }
        return TextTable(header: ["ENDPOINT", "STATUS", "OUTLIER CHECK", "CLUSTER"], rows: rows, padding: 5)
    }

    /// Envoy treats an endpoint whose status EDS leaves unknown as healthy.
    static func status(_ status: Envoy_Config_Core_V3_HealthStatus) -> String {
        switch status {
        case .unknown, .healthy: "HEALTHY"
        case .unhealthy: "UNHEALTHY"
        case .draining: "DRAINING"
        case .timeout: "TIMEOUT"
        case .degraded: "DEGRADED"
        case .UNRECOGNIZED(let value): "\(value)"
        }
    }
}
