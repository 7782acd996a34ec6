import ControlPlane
import Foundation
import Testing
import XDS

/// YAML in, Envoy JSON out: each case is a directory of Istio YAML and, per proxy,
/// the exact resources controld sends it. The expected files were reviewed once by
/// eye; any change to translation shows up here as a diff. Regenerate them with
/// `CONTROLD_UPDATE_GOLDEN=1 swift test --filter Golden`, then review the diff.
@Suite("Golden translations")
struct GoldenTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        /// The YAML directory, relative to the repository root.
        var directory: String
        var proxyName: String
        var nodeID: String
        var namespace = "default"
        var labels: [String: String]
        var interceptionNone = true
        var secretNames: Set<String> = []
        /// MeshConfig YAML, as `--mesh-config` would give it.
        var meshConfig = ""

        var testDescription: String { "\(name): \(proxyName)" }
    }

    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let casesDirectory = "Tests/ControlPlaneTests/Golden/Cases"

    static let cases: [Case] = [
        Case(
            name: "bookinfo", directory: "examples/bookinfo/mesh", proxyName: "ingressgateway",
            nodeID: "router~127.0.0.1~istio-ingressgateway.default~default.svc.cluster.local",
            labels: ["istio": "ingressgateway"]),
        Case(
            name: "sidecar-bind", directory: "\(casesDirectory)/sidecar-bind/mesh", proxyName: "productpage",
            nodeID: "sidecar~127.0.0.40~productpage-1.default~default.svc.cluster.local", labels: ["app": "productpage"]),
        Case(
            name: "kubernetes", directory: "\(casesDirectory)/kubernetes/mesh", proxyName: "reviews-v1",
            nodeID: "sidecar~10.1.0.11~reviews-v1-7d9f.bookinfo~bookinfo.svc.cluster.local", namespace: "bookinfo",
            labels: ["app": "reviews", "version": "v1"], interceptionNone: false),
        Case(
            name: "gateway-tls-tcp", directory: "\(casesDirectory)/gateway-tls-tcp/mesh", proxyName: "edge",
            nodeID: "router~127.0.0.50~edge-gateway.edge~edge.svc.cluster.local", namespace: "edge",
            labels: ["istio": "edge"], secretNames: ["kubernetes://edge-cert"]),
        Case(
            name: "peer-authentication", directory: "\(casesDirectory)/peer-authentication/mesh", proxyName: "backend",
            nodeID: "sidecar~127.0.0.60~backend-1.shop~shop.svc.cluster.local", namespace: "shop",
            labels: ["app": "backend", "security.istio.io/tlsMode": "istio"]),
        Case(
            name: "peer-authentication", directory: "\(casesDirectory)/peer-authentication/mesh",
            proxyName: "frontend", nodeID: "sidecar~10.0.0.62~frontend-1.shop~shop.svc.cluster.local",
            namespace: "shop", labels: ["app": "frontend", "security.istio.io/tlsMode": "istio"],
            interceptionNone: false),
        Case(
            name: "mesh-config", directory: "\(casesDirectory)/mesh-config/mesh", proxyName: "ingressgateway",
            nodeID: "router~127.0.0.1~istio-ingressgateway.default~default.svc.cluster.local",
            labels: ["istio": "ingressgateway"],
            meshConfig: """
                accessLogFile: /dev/stdout
                outboundTrafficPolicy: {mode: REGISTRY_ONLY}
                defaultConfig: {tracing: {sampling: 10}}
                extensionProviders:
                - name: otel
                  opentelemetry: {service: otel-collector.observability.svc.cluster.local, port: 4317}
                defaultProviders: {tracing: [otel]}
                """),
    ]

    @Test("the proxy's resources are exactly the reviewed ones", arguments: cases)
    func matchesGolden(_ golden: Case) throws {
        let context = try GoldenRenderer.context(
            directory: Self.root.appendingPathComponent(golden.directory).path, mesh: try MeshConfig.parse(golden.meshConfig))
        let node = try GoldenRenderer.node(
            id: golden.nodeID, namespace: golden.namespace, labels: golden.labels, interceptionNone: golden.interceptionNone)
        let rendered = try GoldenRenderer.render(context, node: node, secretNames: golden.secretNames)
        // Deterministic: a second translation is byte for byte the same.
        #expect(try GoldenRenderer.render(context, node: node, secretNames: golden.secretNames) == rendered)

        let expectedURL = Self.root.appendingPathComponent("\(Self.casesDirectory)/\(golden.name)/\(golden.proxyName).json")
        if ProcessInfo.processInfo.environment["CONTROLD_UPDATE_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(
                at: expectedURL.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(rendered.utf8).write(to: expectedURL)
        }
        let expected = try String(contentsOf: expectedURL, encoding: .utf8)
        #expect(rendered == expected, "translation of \(golden.name) changed; diff against \(expectedURL.path)")
    }
}
