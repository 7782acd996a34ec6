import Foundation
import Testing

/// `controld serve` runs the mesh's CA: its root is created once and kept, and the
/// secure port (15012) presents a certificate from it that OpenSSL, knowing only the
/// root, accepts for istiod's name.
@Suite("controld serve: the CA's secure port", .timeLimit(.minutes(3)))
struct SecurePortTests {
    @Test func theSecurePortPresentsACertificateFromThePersistedRoot() async throws {
        let caDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("controld-ca-\(UUID())")
        defer { try? FileManager.default.removeItem(at: caDirectory) }

        let (first, address) = try await startServing(caDirectory: caDirectory)
        let rootPath = caDirectory.appendingPathComponent("root-cert.pem").path
        let root = try String(contentsOfFile: rootPath, encoding: .utf8)
        #expect(root.contains("BEGIN CERTIFICATE"))
        let keyAttributes = try FileManager.default.attributesOfItem(
            atPath: caDirectory.appendingPathComponent("ca-key.pem").path)
        #expect((keyAttributes[.posixPermissions] as? Int) == 0o600)

        let handshake = try await CommandLineTool.run("openssl", [
            "s_client", "-connect", address, "-servername", "istiod.istio-system.svc",
            "-verify_hostname", "istiod.istio-system.svc", "-CAfile", rootPath, "-verify_return_error", "-brief",
        ])
        #expect(handshake.status == 0, "\(handshake.output)\(handshake.errors)")
        // `-brief` reports on stderr.
        #expect((handshake.output + handshake.errors).contains("Verification: OK"), "\(handshake.output)\(handshake.errors)")

        first.process.terminate()
        #expect(try await first.waitForExit(within: .seconds(5)) == 0)

        // A restart keeps the root: workloads keep trusting what they were given.
        let (second, _) = try await startServing(caDirectory: caDirectory)
        #expect(try String(contentsOfFile: rootPath, encoding: .utf8) == root)
        second.process.terminate()
        #expect(try await second.waitForExit(within: .seconds(5)) == 0)
    }

    @Test func aBusySecurePortIsOneLineNamingTheFlag() async throws {
        let caDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("controld-ca-\(UUID())")
        defer { try? FileManager.default.removeItem(at: caDirectory) }
        let (first, address) = try await startServing(caDirectory: caDirectory)

        let second = try ControldProcess([
            "serve", "--monitoring-addr", "127.0.0.1:0", "--grpc-addr", "127.0.0.1:0",
            "--secure-grpc-addr", address, "--ca-dir", caDirectory.path, "--log-format", "json",
        ])
        #expect(try await second.waitForExit(within: .seconds(60)) == 1)
        let nonLogLines = second.standardErrorLines.filter { !$0.hasPrefix("{") }
        #expect(nonLogLines == ["controld: --secure-grpc-addr \(address): address already in use"])

        first.process.terminate()
        #expect(try await first.waitForExit(within: .seconds(5)) == 0)
    }

    private func startServing(caDirectory: URL) async throws -> (ControldProcess, String) {
        let controld = try ControldProcess([
            "serve", "--monitoring-addr", "127.0.0.1:0", "--grpc-addr", "127.0.0.1:0",
            "--secure-grpc-addr", "127.0.0.1:0", "--ca-dir", caDirectory.path, "--log-format", "json",
        ])
        let fields = try await controld.waitForLog("secure gRPC server listening", within: .seconds(60))
        // The transport describes itself as "[ipv4]127.0.0.1:PORT".
        let described = try #require(fields["address"] as? String)
        let address = described.split(separator: "]").last.map(String.init) ?? described
        return (controld, address)
    }
}
