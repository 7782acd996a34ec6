import Foundation

/// The workload's service-account token, read from its file on every use.
///
/// Kubernetes rotates projected tokens in place (about hourly), so a token read once
/// at start would go stale long before the agent's next renewal.
public struct TokenFile: Sendable {
    /// The file's path (`--token-file`).
    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// The token now in the file, without surrounding whitespace.
    public func read() throws -> String {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw AgentError(flag: "--token-file", value: path, problem: "cannot read the token file", kind: .runtime)
        }
        let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty else {
            throw AgentError(flag: "--token-file", value: path, problem: "the token file is empty", kind: .runtime)
        }
        return token
    }
}
