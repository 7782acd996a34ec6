import CA
import Foundation
import GRPCCore
import Testing
import X509

@Suite("CA client")
struct IstioCAClientTests {
    let identity = WorkloadIdentity(trustDomain: "cluster.local", namespace: "demo", serviceAccount: "reviews")

    func client(port: Int, directory: AgentTestDirectory, serverName: String = "istiod.istio-system.svc") -> IstioCAClient {
        IstioCAClient(configuration: .init(
            address: CAAddress(host: "127.0.0.1", port: port),
            serverName: serverName,
            rootCertPath: directory.file("root-cert.pem"),
            token: TokenFile(path: directory.file("token"))
        ))
    }

    @Test("a CSR goes over TLS with the bearer token and the requested validity, and a chain comes back")
    func issues() async throws {
        let directory = try AgentTestDirectory()
        defer { directory.remove() }
        let ca = try TestCA()
        try directory.write(ca.rootPEM, to: "root-cert.pem")
        try directory.write("token-one\n", to: "token")
        let key = try WorkloadKey.generate(.ecdsa)
        let chain = try await ca.serve { port in
            try await client(port: port, directory: directory)
                .sign(csrPEM: try WorkloadCSR.pem(identity: identity, key: key), validity: .seconds(600), current: nil)
        }
        #expect(chain.count == 2)
        #expect(ca.tokens.withLock { $0 } == ["Bearer token-one"])
        #expect(ca.validities.withLock { $0 } == [600])
        let credentials = try WorkloadCredentials(key: key, response: chain, roots: [ca.root])
        #expect(credentials.chain.count == 1)
        #expect(credentials.trustBundle == [ca.root])
        #expect(credentials.issuedRoot == ca.root)
    }

    @Test("the token file is read again on every call")
    func tokenReread() async throws {
        let directory = try AgentTestDirectory()
        defer { directory.remove() }
        let ca = try TestCA()
        try directory.write(ca.rootPEM, to: "root-cert.pem")
        try await ca.serve { port in
            let client = client(port: port, directory: directory)
            for token in ["first", "second", "third"] {
                try directory.write(token, to: "token")
                let key = try WorkloadKey.generate(.ecdsa)
                _ = try await client.sign(csrPEM: try WorkloadCSR.pem(identity: identity, key: key), validity: .seconds(60), current: nil)
            }
        }
        #expect(ca.tokens.withLock { $0 } == ["Bearer first", "Bearer second", "Bearer third"])
    }

    @Test("a CA whose certificate does not carry the expected name is not trusted")
    func wrongServerName() async throws {
        let directory = try AgentTestDirectory()
        defer { directory.remove() }
        let ca = try TestCA()
        try directory.write(ca.rootPEM, to: "root-cert.pem")
        try directory.write("t", to: "token")
        let key = try WorkloadKey.generate(.ecdsa)
        await #expect(throws: (any Error).self) {
            _ = try await ca.serve { port in
                try await client(port: port, directory: directory, serverName: "someone-else.example")
                    .sign(csrPEM: try WorkloadCSR.pem(identity: identity, key: key), validity: .seconds(60), current: nil)
            }
        }
        #expect(ca.csrs.withLock { $0 }.isEmpty)
    }

    @Test("a CA whose certificate chains to another root is not trusted")
    func untrustedRoot() async throws {
        let directory = try AgentTestDirectory()
        defer { directory.remove() }
        let ca = try TestCA()
        try directory.write(try TestCA().rootPEM, to: "root-cert.pem")
        try directory.write("t", to: "token")
        let key = try WorkloadKey.generate(.ecdsa)
        await #expect(throws: (any Error).self) {
            _ = try await ca.serve { port in
                try await client(port: port, directory: directory)
                    .sign(csrPEM: try WorkloadCSR.pem(identity: identity, key: key), validity: .seconds(60), current: nil)
            }
        }
        #expect(ca.csrs.withLock { $0 }.isEmpty)
    }

    @Test("a refusal comes back as the CA's status")
    func refusal() async throws {
        let directory = try AgentTestDirectory()
        defer { directory.remove() }
        let ca = try TestCA()
        ca.refusal.withLock { $0 = .permissionDenied }
        try directory.write(ca.rootPEM, to: "root-cert.pem")
        try directory.write("t", to: "token")
        let key = try WorkloadKey.generate(.ecdsa)
        let error = await #expect(throws: RPCError.self) {
            _ = try await ca.serve { port in
                try await client(port: port, directory: directory)
                    .sign(csrPEM: try WorkloadCSR.pem(identity: identity, key: key), validity: .seconds(60), current: nil)
            }
        }
        #expect(error?.code == .permissionDenied)
    }

    @Test("a chain for another key is refused")
    func wrongKey() throws {
        let ca = try TestCA()
        let key = try WorkloadKey.generate(.ecdsa)
        let other = try WorkloadKey.generate(.ecdsa)
        let chain = try ca.issue(csrPEM: try WorkloadCSR.pem(identity: identity, key: other), validity: 60)
        #expect(throws: AgentError.self) {
            _ = try WorkloadCredentials(key: key, response: chain, roots: [ca.root])
        }
    }

    @Test("CA addresses parse as host:port")
    func addresses() throws {
        #expect(try CAAddress(parsing: "127.0.0.1:15012") == CAAddress(host: "127.0.0.1", port: 15012))
        #expect(try CAAddress(parsing: "istiod.istio-system.svc:15012").host == "istiod.istio-system.svc")
        #expect(try CAAddress(parsing: "[::1]:15012") == CAAddress(host: "::1", port: 15012))
        for bad in ["15012", "host:", "host:0", "host:99999", "::1:15012", ":15012"] {
            #expect(throws: AgentError.self) { try CAAddress(parsing: bad) }
        }
    }
}
