import Foundation
import Testing

/// A gateway terminating HTTPS with a Kubernetes TLS Secret named by the Gateway's
/// `credentialName`: controld serves the certificate to the gateway Envoy over ADS
/// (`kubernetes://NAME`), and a client verifying against the issuing CA gets through.
@Suite("Gateway TLS")
struct GatewayTLSTests {
    @Test("HTTPS with credentialName: the client verifies the Secret's certificate; plain HTTP is redirected")
    func httpsWithCredentialName() async throws {
        let harness = try await MeshHarness("gateway-tls")
        let backend = try await harness.backend("shop", host: "127.0.0.61")
        let certificates = harness.scratch.url.appendingPathComponent("certs")
        try FileManager.default.createDirectory(at: certificates, withIntermediateDirectories: true)
        let (ca, certificate, key) = try await Self.issue(host: "shop.example.com", in: certificates)
        let httpsPort = try LocalPorts.free()
        let httpPort = try LocalPorts.free()
        try harness.write(
            """
            apiVersion: v1
            kind: Secret
            metadata: {name: shop-cert, namespace: default}
            type: kubernetes.io/tls
            data:
              tls.crt: \(certificate.base64EncodedString())
              tls.key: \(key.base64EncodedString())
            ---
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata: {name: shop, namespace: default}
            spec:
              hosts: [shop.default.svc.cluster.local]
              location: MESH_INTERNAL
              resolution: STATIC
              ports: [{number: 8000, name: http, protocol: HTTP}]
              endpoints: [{address: \(backend.host), ports: {http: \(backend.port)}}]
            ---
            apiVersion: networking.istio.io/v1
            kind: Gateway
            metadata: {name: shop, namespace: default}
            spec:
              selector: {istio: ingressgateway}
              servers:
              - port: {number: \(httpsPort), name: https, protocol: HTTPS}
                bind: 127.0.0.1
                hosts: [shop.example.com]
                tls: {mode: SIMPLE, credentialName: shop-cert}
              - port: {number: \(httpPort), name: http, protocol: HTTP}
                bind: 127.0.0.1
                hosts: [shop.example.com]
                tls: {httpsRedirect: true}
            ---
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: shop, namespace: default}
            spec:
              hosts: [shop.example.com]
              gateways: [shop]
              http: [{route: [{destination: {host: shop, port: {number: 8000}}}]}]
            """, to: "shop.yaml")
        _ = try harness.envoy(type: "router", ip: "127.0.0.1", name: "ingressgateway", labels: ["istio": "ingressgateway"])

        let url = "https://shop.example.com:\(httpsPort)/"
        let resolve = "shop.example.com:\(httpsPort):127.0.0.1"
        var last = ""
        try await eventually("an HTTPS answer verified against the CA", within: .seconds(60)) {
            let result = try await Self.curl(["--cacert", ca.path, "--resolve", resolve, url])
            last = result.output
            return result.status == 0 && result.output == "shop"
        }
        #expect(last == "shop")
        // Without the CA the certificate is not trusted: it really is the Secret's.
        #expect(try await Self.curl(["--resolve", resolve, url]).status == 60)
        let redirect = try await Self.curl(["-o", "/dev/null", "-w", "%{http_code} %{redirect_url}", "-H", "host: shop.example.com", "http://127.0.0.1:\(httpPort)/x"])
        #expect(redirect.output == "301 https://shop.example.com/x")
        try await harness.expectNoRejects()
    }

    /// A CA and a server certificate for `host` it signs, made with the openssl CLI.
    static func issue(host: String, in directory: URL) async throws -> (ca: URL, certificate: Data, key: Data) {
        let path = { (name: String) in directory.appendingPathComponent(name).path }
        try await openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
                     "-subj", "/CN=test CA", "-keyout", path("ca.key"), "-out", path("ca.crt")])
        try await openssl(["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=\(host)",
                     "-keyout", path("tls.key"), "-out", path("tls.csr")])
        try Data("subjectAltName=DNS:\(host)\n".utf8).write(to: directory.appendingPathComponent("san.ext"))
        try await openssl(["x509", "-req", "-in", path("tls.csr"), "-CA", path("ca.crt"), "-CAkey", path("ca.key"),
                     "-CAcreateserial", "-days", "2", "-extfile", path("san.ext"), "-out", path("tls.crt")])
        return (
            directory.appendingPathComponent("ca.crt"),
            try Data(contentsOf: directory.appendingPathComponent("tls.crt")),
            try Data(contentsOf: directory.appendingPathComponent("tls.key"))
        )
    }

    static func openssl(_ arguments: [String]) async throws {
        let result = try await CommandLineTool.run("openssl", arguments)
        guard result.status == 0 else {
            throw GatewayTLSError(description: "openssl \(arguments): \(result.output)\(result.errors)")
        }
    }

    static func curl(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        let result = try await CommandLineTool.run("curl", ["-sS", "--max-time", "5"] + arguments)
        return (result.status, result.output)
    }
}

struct GatewayTLSError: Error, CustomStringConvertible {
    var description: String
}
