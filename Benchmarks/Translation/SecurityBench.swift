import ArgumentParser
import ControlPlane
import Foundation
import SwiftProtobuf
import XDS

extension TranslationBenchCommand {
    /// `translation-bench security`: what AuthorizationPolicies cost per proxy.
    struct Security: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Time security-policy translation (RBAC, jwt_authn) per proxy with N AuthorizationPolicies.")
        @Option(parsing: .upToNextOption, help: "AuthorizationPolicy counts to measure.") var policies = [0, 100, 1_000]
        @Option(help: "Services in the mesh.") var services = 100
        @Option(help: "Rounds per measurement; medians are reported.") var rounds = 21
        @Option(help: "Where to write the generated config directories.") var directory = NSTemporaryDirectory() + "translation-bench-security"

        func run() throws {
            print(SecurityReport.header)
            for count in policies {
                let folder = URL(fileURLWithPath: directory).appendingPathComponent("policies-\(count)")
                print(SecurityReport.row(try SecurityRun(policies: count, services: services, rounds: rounds, directory: folder).run()))
            }
        }
    }
}

/// One measurement: the mesh fixture plus `policies` AuthorizationPolicies, spread
/// over the fixture's ten namespaces and the root namespace, a mix of
/// namespace-wide and selector policies (ALLOW 7 in 10, DENY 2, AUDIT 1) with
/// principals, namespaces, methods, paths, ports and header conditions, and one
/// RequestAuthentication. The measured sidecar (`bench-0`, `app: svc-0`) gets about
/// one policy in twenty (54 of 1,000, every action): its namespace's
/// namespace-wide ones, those selecting `app: svc-0`, and the root namespace's.
struct SecurityRun {
    let policies: Int
    let services: Int
    let rounds: Int
    let directory: URL

    struct Result {
        var policies: Int
        var applying: Int
        var buildSeconds: [Double]
        var filterSeconds: [Double]
        var httpBytes: Int
        var tcpBytes: Int
        var httpFilters: Int
    }

    func run() throws -> Result {
        _ = try MeshFixture.write(services: services, to: directory)
        try Self.writePolicies(policies, to: directory.appendingPathComponent("security"))
        let snapshot = TranslationRun.load(directory)
        var builds: [Double] = []
        var context = PushContext(snapshot: snapshot)
        for _ in 0..<rounds {
            let started = ContinuousClock.now
            context = PushContext(snapshot: snapshot)
            builds.append((ContinuousClock.now - started).seconds)
        }
        let proxy = MeshProxy(try ProxyNode(
            BenchNodes.node(
                id: "sidecar~10.252.0.1~svc-0.bench-0~bench-0.svc.cluster.local", namespace: MeshFixture.namespace(0),
                labels: ["app": MeshFixture.name(0)])))
        var times: [Double] = []
        var http: [Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_HttpFilter] = []
        var tcp: [Envoy_Config_Listener_V3_Filter] = []
        for _ in 0..<rounds {
            let started = ContinuousClock.now
            let filters = InboundPolicyFilters(context: context, proxy: proxy)
            http = try filters.httpFilters()
            tcp = try filters.networkFilters()
            times.append((ContinuousClock.now - started).seconds)
        }
        let applying = context.authorization.authorizationPolicies(for: proxy)
        return Result(
            policies: policies, applying: applying.allow.count + applying.deny.count + applying.audit.count,
            buildSeconds: builds, filterSeconds: times,
            httpBytes: try http.reduce(0) { $0 + (try $1.serializedBytes() as [UInt8]).count },
            tcpBytes: try tcp.reduce(0) { $0 + (try $1.serializedBytes() as [UInt8]).count },
            httpFilters: http.count)
    }

    static func writePolicies(_ count: Int, to folder: URL) throws {
        try? FileManager.default.removeItem(at: folder)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var text = """
            apiVersion: security.istio.io/v1
            kind: RequestAuthentication
            metadata: {name: jwt, namespace: bench-0}
            spec:
              jwtRules:
              - {issuer: "https://issuer.bench", jwksUri: "https://keys.bench/jwks"}
            ---

            """
        for index in 0..<count { text += policy(index) }
        try Data(text.utf8).write(to: folder.appendingPathComponent("policies.yaml"))
    }

    static func policy(_ index: Int) -> String {
        // Every 50th lives in the root namespace; the rest cycle through the fixture's.
        let namespace = index % 50 == 49 ? "istio-system" : MeshFixture.namespace(index)
        let action = ["ALLOW", "ALLOW", "DENY", "ALLOW", "AUDIT", "ALLOW", "DENY", "ALLOW", "ALLOW", "ALLOW"][index / 10 % 10]
        // A third namespace-wide; the others select one service's workloads.
        let selector = index % 3 == 0 || namespace == "istio-system"
            ? "" : "  selector: {matchLabels: {app: \(MeshFixture.name(index / 10 % 3 * 10))}}\n"
        return """
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: policy-\(index), namespace: \(namespace)}
            spec:
            \(selector)  action: \(action)
              rules:
              - from:
                - source: {principals: ["cluster.local/ns/bench-\(index % 10)/sa/client-\(index)"], namespaces: ["bench-*"]}
                to:
                - operation: {methods: [GET, POST], paths: ["/api/\(index)/*", "/health"], ports: ["8080"]}
                when:
                - {key: "request.headers[x-tenant]", values: ["tenant-\(index)"]}
              - from:
                - source: {requestPrincipals: ["https://issuer.bench/*"], ipBlocks: ["10.\(index % 256).0.0/16"]}
                to:
                - operation: {notPaths: ["/admin*"]}
            ---

            """
    }
}

/// Markdown rows for `security`.
enum SecurityReport {
    static let header = """
        | policies in mesh | applying to proxy | PushContext build | InboundPolicyFilters (HTTP + TCP) | HTTP filters | HTTP bytes | TCP bytes |
        | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
        """

    static func row(_ result: SecurityRun.Result) -> String {
        let cells = [
            "\(result.policies)", "\(result.applying)", ms(Stats.median(result.buildSeconds)),
            ms(Stats.median(result.filterSeconds)), "\(result.httpFilters)", kib(result.httpBytes), kib(result.tcpBytes),
        ]
        return "| " + cells.joined(separator: " | ") + " |"
    }

    static func ms(_ seconds: Double) -> String { String(format: "%.2f ms", seconds * 1000) }
    static func kib(_ bytes: Int) -> String { bytes < 1024 ? "\(bytes) B" : String(format: "%.1f KiB", Double(bytes) / 1024) }
}
