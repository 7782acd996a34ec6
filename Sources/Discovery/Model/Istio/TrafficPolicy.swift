/// A DestinationRule's traffic policy: load balancing, connection pool, outlier
/// detection, TLS to the upstream, per port and per subset.
public struct TrafficPolicy: Sendable, Codable, Hashable {
    public var loadBalancer: LoadBalancerSettings?
    public var connectionPool: ConnectionPoolSettings?
    public var outlierDetection: OutlierDetection?
    public var tls: ClientTLSSettings?
    public var portLevelSettings: [PortTrafficPolicy]?
    public var tunnel: TunnelSettings?
    public var proxyProtocol: ProxyProtocol?
    public var retryBudget: RetryBudget?

    /// `portLevelSettings[]`: the same settings for one port.
    public struct PortTrafficPolicy: Sendable, Codable, Hashable {
        public var port: PortSelector?
        public var loadBalancer: LoadBalancerSettings?
        public var connectionPool: ConnectionPoolSettings?
        public var outlierDetection: OutlierDetection?
        public var tls: ClientTLSSettings?
    }

    /// `tunnel`.
    public struct TunnelSettings: Sendable, Codable, Hashable {
        public var `protocol`: String?
        public var targetHost: String?
        public var targetPort: Int?
    }

    /// `proxyProtocol`.
    public struct ProxyProtocol: Sendable, Codable, Hashable {
        /// `version`.
        public enum Version: String, Sendable, Codable, Hashable { case v1 = "V1", v2 = "V2" }
        public var version: Version?
    }

    /// `retryBudget`.
    public struct RetryBudget: Sendable, Codable, Hashable {
        public var percent: Double?
        public var minRetryConcurrency: Int?
        public var budgetInterval: ConfigDuration?
    }
}

/// `loadBalancer`: one of `simple` or `consistentHash` (or `backendUtilization`),
/// plus locality settings and warm-up.
public struct LoadBalancerSettings: Sendable, Codable, Hashable {
    /// `simple`.
    public enum Simple: String, Sendable, Codable, Hashable {
        case unspecified = "UNSPECIFIED", leastConn = "LEAST_CONN", random = "RANDOM"
        case passthrough = "PASSTHROUGH", roundRobin = "ROUND_ROBIN", leastRequest = "LEAST_REQUEST"
    }

    /// `consistentHash`.
    public struct ConsistentHash: Sendable, Codable, Hashable {
        /// `httpCookie`.
        public struct HTTPCookie: Sendable, Codable, Hashable {
            /// One cookie attribute.
            public struct Attribute: Sendable, Codable, Hashable {
                public var name: String
                public var value: String?
            }
            public var name: String
            public var path: String?
            public var ttl: ConfigDuration?
            public var attributes: [Attribute]?
        }
        /// `ringHash`.
        public struct RingHash: Sendable, Codable, Hashable {
            public var minimumRingSize: Int?
        }
        /// `maglev`.
        public struct Maglev: Sendable, Codable, Hashable {
            public var tableSize: Int?
        }
        public var httpHeaderName: String?
        public var httpCookie: HTTPCookie?
        public var useSourceIp: Bool?
        public var httpQueryParameterName: String?
        public var ringHash: RingHash?
        public var maglev: Maglev?
        public var minimumRingSize: Int?
    }

    /// `localityLbSetting`.
    public struct LocalityLoadBalancerSetting: Sendable, Codable, Hashable {
        /// `distribute[]`: traffic from one locality spread over others by weight.
        public struct Distribute: Sendable, Codable, Hashable {
            public var from: String?
            public var to: [String: Int]?
        }
        /// `failover[]`.
        public struct Failover: Sendable, Codable, Hashable {
            public var from: String?
            public var to: String?
        }
        public var distribute: [Distribute]?
        public var failover: [Failover]?
        public var failoverPriority: [String]?
        public var enabled: Bool?
    }

    /// `zoneAwareLbSetting`.
    public struct ZoneAwareLoadBalancerSetting: Sendable, Codable, Hashable {
        public var enabled: Bool?
        public var failover: [LocalityLoadBalancerSetting.Failover]?
        public var failoverPriority: [String]?
        public var minClusterSize: Int?
    }

    /// `warmup`.
    public struct Warmup: Sendable, Codable, Hashable {
        public var duration: ConfigDuration?
        public var minimumPercent: Double?
        public var aggression: Double?
    }

    /// `backendUtilization`.
    public struct BackendUtilization: Sendable, Codable, Hashable {
        public var weightExpirationPeriod: ConfigDuration?
        public var weightUpdatePeriod: ConfigDuration?
        public var weightStabilizationPeriod: ConfigDuration?
        public var errorUtilizationPenaltyPercent: Int?
        public var metricNamesForComputingUtilization: [String]?
    }

    public var simple: Simple?
    public var consistentHash: ConsistentHash?
    public var backendUtilization: BackendUtilization?
    public var localityLbSetting: LocalityLoadBalancerSetting?
    public var zoneAwareLbSetting: ZoneAwareLoadBalancerSetting?
    public var warmupDurationSecs: ConfigDuration?
    public var warmup: Warmup?
}

/// `connectionPool`: TCP and HTTP limits.
public struct ConnectionPoolSettings: Sendable, Codable, Hashable {
    /// `tcp`.
    public struct TCP: Sendable, Codable, Hashable {
        /// `tcpKeepalive`.
        public struct Keepalive: Sendable, Codable, Hashable {
            public var probes: Int?
            public var time: ConfigDuration?
            public var interval: ConfigDuration?
        }
        public var maxConnections: Int?
        public var connectTimeout: ConfigDuration?
        public var tcpKeepalive: Keepalive?
        public var maxConnectionDuration: ConfigDuration?
        public var idleTimeout: ConfigDuration?
    }

    /// `http`.
    public struct HTTP: Sendable, Codable, Hashable {
        /// `h2UpgradePolicy`.
        public enum H2UpgradePolicy: String, Sendable, Codable, Hashable {
            case `default` = "DEFAULT", doNotUpgrade = "DO_NOT_UPGRADE", upgrade = "UPGRADE"
        }
        /// `http2KeepAlive`.
        public struct HTTP2KeepAlive: Sendable, Codable, Hashable {
            public var interval: ConfigDuration?
            public var timeout: ConfigDuration?
        }
        public var http1MaxPendingRequests: Int?
        public var http2MaxRequests: Int?
        public var maxRequestsPerConnection: Int?
        public var maxRetries: Int?
        public var idleTimeout: ConfigDuration?
        public var h2UpgradePolicy: H2UpgradePolicy?
        public var useClientProtocol: Bool?
        public var maxConcurrentStreams: Int?
        public var http2KeepAlive: HTTP2KeepAlive?
    }

    public var tcp: TCP?
    public var http: HTTP?
}

/// `outlierDetection`: ejecting endpoints that keep failing.
public struct OutlierDetection: Sendable, Codable, Hashable {
    public var splitExternalLocalOriginErrors: Bool?
    public var consecutiveLocalOriginFailures: Int?
    public var consecutiveGatewayErrors: Int?
    public var consecutive5xxErrors: Int?
    /// Deprecated spelling of `consecutive5xxErrors`.
    public var consecutiveErrors: Int?
    public var interval: ConfigDuration?
    public var baseEjectionTime: ConfigDuration?
    public var maxEjectionPercent: Int?
    public var minHealthPercent: Int?
    public var outlierDetectionHttpErrorCodes: [Int]?
}

/// TLS from the proxy to the upstream (DestinationRule `tls`).
public struct ClientTLSSettings: Sendable, Codable, Hashable {
    /// `mode`.
    public enum Mode: String, Sendable, Codable, Hashable {
        case disable = "DISABLE", simple = "SIMPLE", mutual = "MUTUAL", istioMutual = "ISTIO_MUTUAL"
    }
    public var mode: Mode?
    public var clientCertificate: String?
    public var privateKey: String?
    public var caCertificates: String?
    public var credentialName: String?
    public var subjectAltNames: [String]?
    public var sni: String?
    public var insecureSkipVerify: Bool?
    public var caCrl: String?
}
