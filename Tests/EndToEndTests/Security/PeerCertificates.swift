import Foundation

/// What a TLS server presents, seen from the wire with `openssl s_client`, and
/// chain checks with `openssl verify`: the tests' outside view of the certificates.
enum PeerCertificates {
    /// The serial of the leaf `host:port` presents, normalized (see ``Serial``).
    /// `client` is a directory of PEM files from `controld agent --output-dir`,
    /// presented as the client certificate, as a mesh peer would.
    static func servedSerial(
        host: String, port: Int, client: URL?, alpn: String? = nil, in directory: URL
    ) async throws -> String {
        var arguments = ["s_client", "-connect", "\(host):\(port)", "-showcerts"]
        if let client {
            arguments += [
                "-cert", client.appendingPathComponent("cert-chain.pem").path,
                "-key", client.appendingPathComponent("key.pem").path,
            ]
        }
        if let alpn { arguments += ["-alpn", alpn] }
        let output = try await OpenSSL.run(arguments, in: directory)
        guard let begin = output.range(of: "-----BEGIN CERTIFICATE-----"),
            let end = output.range(of: "-----END CERTIFICATE-----", range: begin.upperBound..<output.endIndex)
        else { throw OpenSSL.Failure(description: "no certificate from \(host):\(port): \(output)") }
        let leaf = directory.appendingPathComponent("served-\(UUID().uuidString).pem")
        defer { try? FileManager.default.removeItem(at: leaf) }
        try Data((String(output[begin.lowerBound..<end.upperBound]) + "\n").utf8).write(to: leaf)
        return try await serial(of: leaf, in: directory)
    }

    /// The serial of the first certificate in `file`, normalized.
    static func serial(of file: URL, in directory: URL) async throws -> String {
        let line = try await OpenSSL.run(["x509", "-noout", "-serial", "-in", file.path], in: directory)
        guard let hex = line.split(separator: "=").last?.trimmingCharacters(in: .whitespacesAndNewlines) else {
            throw OpenSSL.Failure(description: "no serial in \(line)")
        }
        return Serial.normalized(hex)
    }

    /// Whether `chain` (PEM, leaf first) verifies against exactly the roots in
    /// `roots`, now; the output says why not.
    static func verifies(chain: URL, roots: URL, in directory: URL) async -> (ok: Bool, output: String) {
        do {
            let output = try await OpenSSL.run(
                ["verify", "-CAfile", roots.path, "-untrusted", chain.path, chain.path], in: directory)
            return (true, output)
        } catch {
            return (false, "\(error)")
        }
    }

    /// Whether the TLS server at `host:port` presents a certificate for `name` that
    /// verifies against exactly the roots in `roots`.
    static func verifiesServer(
        host: String, port: Int, name: String, roots: URL, in directory: URL
    ) async -> (ok: Bool, output: String) {
        do {
            let output = try await OpenSSL.run(
                [
                    "s_client", "-connect", "\(host):\(port)", "-servername", name, "-verify_hostname", name,
                    "-CAfile", roots.path, "-verify_return_error", "-brief",
                ], in: directory)
            return (output.contains("Verification: OK"), output)
        } catch {
            return (false, "\(error)")
        }
    }

    /// The PEM certificates in `file`, one string each.
    static func pemBlocks(_ file: URL) throws -> [String] {
        let text = try String(contentsOf: file, encoding: .utf8)
        return text.components(separatedBy: "-----END CERTIFICATE-----")
            .filter { $0.contains("-----BEGIN CERTIFICATE-----") }
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) + "\n-----END CERTIFICATE-----\n" }
    }

    /// The normalized serials of every certificate in `file`, in order.
    static func serials(inBundle file: URL, in directory: URL) async throws -> [String] {
        var serials: [String] = []
        for block in try pemBlocks(file) {
            let single = directory.appendingPathComponent("bundle-\(UUID().uuidString).pem")
            defer { try? FileManager.default.removeItem(at: single) }
            try Data(block.utf8).write(to: single)
            serials.append(try await serial(of: single, in: directory))
        }
        return serials
    }
}
