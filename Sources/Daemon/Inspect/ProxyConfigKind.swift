/// The resource kinds `controld proxy-config` shows, and where each sits in a
/// `ConfigDump`.
public enum ProxyConfigKind: String, Sendable, CaseIterable {
    case clusters, listeners, routes, endpoints, secrets

    /// Accepts istioctl's singular spellings too (`cluster`, `route`...).
    public init?(kind: String) {
        let plural = kind.hasSuffix("s") ? kind : kind + "s"
        self.init(rawValue: plural)
    }

    /// The `@type` of this kind's entry in `configs`.
    var dumpType: String {
        switch self {
        case .clusters: ConfigDumpJSON.clustersType
        case .listeners: ConfigDumpJSON.listenersType
        case .routes: ConfigDumpJSON.routesType
        case .endpoints: ConfigDumpJSON.endpointsType
        case .secrets: ConfigDumpJSON.secretsType
        }
    }

    /// The list inside that entry.
    var entriesKey: String {
        switch self {
        case .clusters: "dynamic_active_clusters"
        case .listeners: "dynamic_listeners"
        case .routes: "dynamic_route_configs"
        case .endpoints: "dynamic_endpoint_configs"
        case .secrets: "dynamic_active_secrets"
        }
    }

    /// The resource inside one entry of that list.
    func resource(in entry: [String: Any]) -> Any? {
        switch self {
        case .clusters: entry["cluster"]
        case .listeners: (entry["active_state"] as? [String: Any])?["listener"]
        case .routes: entry["route_config"]
        case .endpoints: entry["endpoint_config"]
        case .secrets: entry["secret"]
        }
    }
}
