public import Discovery
import Foundation

/// How `controld serve` reaches a Kubernetes API server: `--kubeconfig PATH` or
/// `--in-cluster`, resolved and checked when the flags are read, so an unusable
/// kubeconfig (a missing file, an exec plugin) is one line naming the flag, not a
/// server that never becomes ready.
public struct KubernetesSettings: Sendable, Equatable {
    /// The flag the connection came from, for messages.
    public var flag: String
    /// The server, credentials and trust the source uses.
    public var connection: KubernetesConnection

    public init(flag: String, connection: KubernetesConnection) {
        self.flag = flag
        self.connection = connection
    }

    /// The settings for the flags given, nil when neither is: then controld reads no
    /// cluster. Throws a usage error for both flags at once or an unusable setting.
    public static func parse(
        kubeconfig: String?,
        inCluster: Bool,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        serviceAccountDirectory: String = KubernetesConnection.defaultServiceAccountDirectory
    ) throws(StartupError) -> KubernetesSettings? {
        switch (kubeconfig, inCluster) {
        case (nil, false):
            return nil
        case (.some(let path), true):
            throw StartupError(
                flag: "--kubeconfig", value: path, problem: "cannot be combined with --in-cluster; choose one",
                kind: .usage)
        case (.some(let path), false):
            do {
                return KubernetesSettings(flag: "--kubeconfig", connection: try .kubeconfig(path: path))
            } catch let error as KubernetesConfigError {
                throw StartupError(
                    flag: "--kubeconfig", value: path, problem: problem(error, origin: "kubeconfig \(path)"),
                    kind: .usage)
            } catch {
                throw StartupError(flag: "--kubeconfig", value: path, problem: "\(error)", kind: .usage)
            }
        case (nil, true):
            do {
                let connection = try KubernetesConnection.inCluster(
                    environment: environment, serviceAccountDirectory: serviceAccountDirectory)
                return KubernetesSettings(flag: "--in-cluster", connection: connection)
            } catch let error as KubernetesConfigError {
                throw StartupError(
                    flag: "--in-cluster", value: serviceAccountDirectory, problem: problem(error, origin: "in-cluster"),
                    kind: .usage)
            } catch {
                throw StartupError(flag: "--in-cluster", value: serviceAccountDirectory, problem: "\(error)", kind: .usage)
            }
        }
    }

    /// The error's message without its `origin: ` prefix, which the flag and value already say.
    private static func problem(_ error: KubernetesConfigError, origin: String) -> String {
        let prefix = "\(origin): "
        return error.message.hasPrefix(prefix) ? String(error.message.dropFirst(prefix.count)) : error.message
    }

    /// The readiness name of the source, as `/ready` shows it while waiting:
    /// `kubernetes https://10.96.0.1:443`.
    public var sourceName: String { "kubernetes \(connection.server)" }
}
