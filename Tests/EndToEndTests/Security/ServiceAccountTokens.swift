import Foundation

/// Service-account JWTs as a Kubernetes API server signs them (RS256, audience
/// `istio-ca`), and the JWKS that `controld serve --jwks-file` checks them with.
///
/// The key and signatures come from the `openssl` tool, so this target needs no
/// crypto library of its own.
struct ServiceAccountTokens {
    /// The issuer the tokens carry (`--jwt-issuer`), the API server's default.
    static let issuer = "https://kubernetes.default.svc.cluster.local"
    static let keyID = "e2e-rs256"

    /// The RSA private key, PEM.
    let keyPath: URL
    /// The JWKS holding its public half.
    let jwksPath: URL
    private let directory: URL

    /// A fresh 2048-bit key in `directory`, with its JWKS written beside it.
    static func make(in directory: URL) async throws -> ServiceAccountTokens {
        let keyPath = directory.appendingPathComponent("sa-signer.key")
        try await OpenSSL.run(["genrsa", "-out", keyPath.path, "2048"], in: directory)
        let modulusLine = try await OpenSSL.run(["rsa", "-in", keyPath.path, "-noout", "-modulus"], in: directory)
        guard let hex = modulusLine.split(separator: "=").last?.trimmingCharacters(in: .whitespacesAndNewlines),
            let modulus = Data(hex: hex)
        else { throw OpenSSL.Failure(description: "cannot read the RSA modulus: \(modulusLine)") }
        let jwk: [String: Any] = [
            "kty": "RSA", "kid": keyID, "use": "sig", "alg": "RS256",
            // genrsa's public exponent is always 65537.
            "n": Base64URL.encode(modulus), "e": "AQAB",
        ]
        let jwksPath = directory.appendingPathComponent("jwks.json")
        try JSONSerialization.data(withJSONObject: ["keys": [jwk]]).write(to: jwksPath)
        return ServiceAccountTokens(keyPath: keyPath, jwksPath: jwksPath, directory: directory)
    }

    /// A projected service-account token for `serviceAccount` in `namespace`.
    func token(namespace: String, serviceAccount: String, lifetime: TimeInterval = 3600) async throws -> String {
        let now = Int(Date().timeIntervalSince1970)
        let claims: [String: Any] = [
            "iss": Self.issuer, "aud": ["istio-ca"], "sub": "system:serviceaccount:\(namespace):\(serviceAccount)",
            "iat": now, "exp": now + Int(lifetime),
            "kubernetes.io": ["namespace": namespace, "serviceaccount": ["name": serviceAccount, "uid": UUID().uuidString]],
        ]
        return try await sign(claims)
    }

    /// A JWT with `claims`, signed RS256 with this key (kid ``keyID``).
    func sign(_ claims: [String: Any]) async throws -> String {
        let header: [String: Any] = ["alg": "RS256", "kid": Self.keyID, "typ": "JWT"]
        let input =
            Base64URL.encode(try JSONSerialization.data(withJSONObject: header)) + "."
            + Base64URL.encode(try JSONSerialization.data(withJSONObject: claims))
        let scratch = directory.appendingPathComponent("jws-\(UUID().uuidString)")
        defer {
            try? FileManager.default.removeItem(at: scratch)
            try? FileManager.default.removeItem(at: scratch.appendingPathExtension("sig"))
        }
        try Data(input.utf8).write(to: scratch)
        // RS256 is PKCS #1 v1.5 over SHA-256: exactly what `dgst -sign` makes with an RSA key.
        try await OpenSSL.run(
            ["dgst", "-sha256", "-sign", keyPath.path, "-out", scratch.appendingPathExtension("sig").path, scratch.path],
            in: directory)
        let signature = try Data(contentsOf: scratch.appendingPathExtension("sig"))
        return input + "." + Base64URL.encode(signature)
    }
}

/// Base64url without padding, as JWS and JWK want it.
enum Base64URL {
    static func encode(_ data: Data) -> String {
        data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

extension Data {
    /// Bytes from hex digits (either case); nil for anything else.
    init?(hex: String) {
        guard hex.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(hex.count / 2)
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        self.init(bytes)
    }
}

/// `openssl` through ``CommandLineTool`` (no pool thread held), failing loudly.
enum OpenSSL {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The tool's stdout and stderr together (s_client's verdict is on stderr);
    /// throws when it exits non-zero.
    @discardableResult
    static func run(_ arguments: [String], in directory: URL) async throws -> String {
        let result = try await CommandLineTool.run("openssl", arguments, in: directory)
        let output = result.output + result.errors
        guard result.status == 0 else {
            throw Failure(description: "openssl \(arguments.joined(separator: " ")) exited \(result.status): \(output)")
        }
        return output
    }
}
