public import Discovery
import Foundation
import Yams

/// The subset of Istio's MeshConfig (`--mesh-config`, the `mesh` key of the
/// `istio` ConfigMap) that shapes translation. Unknown fields are ignored, as
/// istiod ignores fields a release does not use.
public struct MeshConfig: Sendable, Codable, Hashable {
    /// Where mesh-wide DestinationRules, Sidecars and policies live.
    public var rootNamespace: String?
    public var trustDomain: String?
    public var outboundTrafficPolicy: OutboundTrafficPolicy?
    /// Send Istio mTLS to endpoints that carry `security.istio.io/tlsMode: istio`.
    public var enableAutoMtls: Bool?
    /// `/dev/stdout` or a path; empty or absent: no access log.
    public var accessLogFile: String?
    /// `TEXT` or `JSON`.
    public var accessLogEncoding: String?
    public var defaultConfig: ProxyConfig?
    public var extensionProviders: [ExtensionProvider]?
    /// `defaultProviders`: the extension providers used mesh-wide.
    public var defaultProviders: DefaultProviders?
    /// Connect timeout of generated clusters (Istio's default 10s).
    public var connectTimeout: String?
    /// Label selectors (`matchLabels`, `matchExpressions`) over Namespaces: the
    /// Kubernetes source ingests only namespaces matching at least one. Absent or
    /// empty: every namespace, as in Istio.
    public var discoverySelectors: [KubernetesLabelSelector]?

    /// `outboundTrafficPolicy`.
    public struct OutboundTrafficPolicy: Sendable, Codable, Hashable {
        /// `ALLOW_ANY` (istiod's default) or `REGISTRY_ONLY`.
        public var mode: String?
    }

    /// `defaultConfig`: the proxies' defaults; only tracing is read here.
    public struct ProxyConfig: Sendable, Codable, Hashable {
        public var tracing: Tracing?
        /// `defaultConfig.tracing`.
        public struct Tracing: Sendable, Codable, Hashable {
            public var sampling: Double?
        }
    }

    /// `extensionProviders[]`: named integrations; OpenTelemetry tracing is used.
    public struct ExtensionProvider: Sendable, Codable, Hashable {
        public var name: String
        public var opentelemetry: OpenTelemetry?
        /// `opentelemetry`: where spans go.
        public struct OpenTelemetry: Sendable, Codable, Hashable {
            public var service: String?
            public var port: Int?
        }
    }

    /// `defaultProviders`: provider names per telemetry kind.
    public struct DefaultProviders: Sendable, Codable, Hashable {
        public var tracing: [String]?
        public var accessLogging: [String]?
    }

    public init() {}

    /// The OpenTelemetry provider tracing uses mesh-wide, if any: the first of
    /// `defaultProviders.tracing` that names an OpenTelemetry extension provider.
    public var tracingProvider: ExtensionProvider? {
        for name in defaultProviders?.tracing ?? [] {
            if let provider = extensionProviders?.first(where: { $0.name == name && $0.opentelemetry != nil }) {
                return provider
            }
        }
        return nil
    }

    public var resolvedRootNamespace: String { rootNamespace ?? "istio-system" }
    public var autoMtlsEnabled: Bool { enableAutoMtls ?? true }
    /// Whether traffic to hosts outside the registry is let through.
    public var allowsAnyOutbound: Bool { outboundTrafficPolicy?.mode != "REGISTRY_ONLY" }

    /// Reads a MeshConfig YAML file; the error names the file and what is wrong.
    public static func load(path: String) throws(MeshConfigError) -> MeshConfig {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
        else { throw MeshConfigError("cannot read the file") }
        return try parse(text)
    }

    /// Parses MeshConfig YAML (an empty document is the defaults).
    public static func parse(_ text: String) throws(MeshConfigError) -> MeshConfig {
        if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return MeshConfig() }
        do {
            return try YAMLDecoder().decode(MeshConfig.self, from: text)
        } catch {
            throw MeshConfigError("not a MeshConfig: \(error)")
        }
    }
}

/// A MeshConfig that cannot be used, with the reason.
public struct MeshConfigError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
