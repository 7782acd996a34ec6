import Foundation
import Synchronization

/// Produces the bearer token for each request. A token file is read again every time:
/// requests are rare (one per list page or watch), the file is small, and reading it
/// always is the only way to notice the kubelet's rotation, which swaps a symlinked
/// directory rather than touching the file's own modification time.
final class KubernetesTokenSource: Sendable {
    private let token: KubernetesConnection.BearerToken
    /// The last token read successfully, used if a read fails mid-rotation.
    private let lastRead = Mutex<String?>(nil)

    init(_ token: KubernetesConnection.BearerToken) {
        self.token = token
    }

    /// The token to send now, or nil when none is configured.
    func current() throws -> String? {
        switch token {
        case .none:
            return nil
        case .token(let value):
            return value
        case .file(let path):
            do {
                let value = try String(contentsOfFile: path, encoding: .utf8)
                    .trimmingCharacters(in: .whitespacesAndNewlines)
                lastRead.withLock { $0 = value }
                return value
            } catch {
                if let previous = lastRead.withLock({ $0 }) { return previous }
                throw KubernetesConfigError(
                    "token file \(path) cannot be read (\(KubernetesConnection.reason(error)))")
            }
        }
    }
}
