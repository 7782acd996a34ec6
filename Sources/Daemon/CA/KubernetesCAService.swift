import CA
import Discovery
import Foundation
import Logging
import ServiceLifecycle
import XDS

/// The CA in a cluster (`--kubeconfig`, `--in-cluster`), as istiod runs it:
///
/// - the root comes from a plugged-in CA in `--ca-dir` when there is one, otherwise
///   from the Secret `istio-ca-secret` in controld's namespace (created on first
///   start, rewritten by rotation), waiting with backoff while the API server is
///   unreachable, so monitoring and xDS come up meanwhile;
/// - tokens are checked with TokenReview (`--jwks-file` is for file mode);
/// - the trust bundle is kept in the ConfigMap `istio-ca-root-cert` of every namespace
///   MeshConfig's `discoverySelectors` select.
///
/// The secure port starts once the root is known. A root that cannot be used (a key
/// that does not match its certificate) stops controld with one line naming the flag.
struct KubernetesCAService: ServiceLifecycle.Service {
    /// Where the Secret lives when neither POD_NAMESPACE nor the pod says: istiod's namespace.
    static let defaultNamespace = "istio-system"

    let settings: CASettings
    let kubernetes: KubernetesSettings
    let namespace: String
    let selector: KubernetesNamespaceSelector?
    let client: KubernetesObjectClient
    /// The plugged-in CA from `--ca-dir`, loaded at start; nil to use the Secret.
    let pluggedIn: SigningAuthority?
    let xds: XDSServer
    let metrics: CAMetrics
    let logger = Logger(label: "ca")

    /// controld's own namespace, where its Secret lives: `POD_NAMESPACE` (as istiod
    /// reads it), else the pod's service-account namespace in a cluster, else istio-system.
    /// A kubeconfig context's namespace is the user's, not controld's, and is not used.
    static func namespace(for kubernetes: KubernetesSettings, environment: [String: String]) -> String {
        if let namespace = environment["POD_NAMESPACE"], !namespace.isEmpty { return namespace }
        if kubernetes.flag == "--in-cluster", let namespace = kubernetes.connection.namespace { return namespace }
        return defaultNamespace
    }

    static func make(
        settings: CASettings, kubernetes: KubernetesSettings, discoverySelectors: [KubernetesLabelSelector],
        xds: XDSServer, metrics: CAMetrics, environment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws(StartupError) -> KubernetesCAService {
        let directory = CADirectory(path: settings.directory)
        // A plugged-in CA is loaded (and checked) before anything listens, as in file mode.
        let pluggedIn = directory.holdsPluggedInCA ? try await CAServices.load(directory, settings: settings) : nil
        let client: KubernetesObjectClient
        do {
            client = try KubernetesObjectClient(connection: kubernetes.connection)
        } catch {
            throw StartupError(flag: kubernetes.flag, value: kubernetes.connection.server, problem: "\(error)", kind: .usage)
        }
        return KubernetesCAService(
            settings: settings, kubernetes: kubernetes, namespace: namespace(for: kubernetes, environment: environment),
            selector: discoverySelectors.isEmpty ? nil : KubernetesNamespaceSelector(discoverySelectors),
            client: client, pluggedIn: pluggedIn, xds: xds, metrics: metrics)
    }

    func run() async throws {
        do {
            try await serve()
        } catch {
            await client.shutdown()
            if error is CancellationError, Task.isShuttingDownGracefully || Task.isCancelled { return }
            throw error
        }
        await client.shutdown()
    }

    private func serve() async throws {
        if settings.jwksFile != nil {
            logger.notice("--jwks-file is not used with a cluster: tokens are checked with TokenReview")
        }
        let authority: SigningAuthority
        var secretSync: IstioCASecretSync?
        if let pluggedIn {
            logger.info("using the plugged-in CA", metadata: ["dir": "\(settings.directory)"])
            authority = pluggedIn
        } else {
            let store = IstioCASecretStore(client: client, namespace: namespace)
            let (loaded, secret): (SigningAuthority, IstioCASecret)
            do {
                (loaded, secret) = try await cancelWhenGracefulShutdown {
                    try await store.loadOrCreateRetrying(
                        keyType: settings.keyType, trustDomain: settings.trustDomain,
                        rootLifetime: settings.rootLifetime, backoff: KubernetesBackoff(), logger: logger)
                }
            } catch let error as KubernetesCAError {
                throw StartupError(
                    flag: kubernetes.flag, value: kubernetes.connection.server, problem: error.problem, kind: .runtime)
            }
            authority = loaded
            secretSync = IstioCASecretSync(store: store, secret: secret, logger: logger)
        }
        let ca = LocalCertificateAuthority(authority)
        let runtime = try CAServices.runtime(
            ca: ca, store: secretSync ?? CADirectory(path: settings.directory),
            reviewer: KubernetesTokenReviewer(client: client), settings: settings, xds: xds, metrics: metrics,
            flag: kubernetes.flag, value: kubernetes.connection.server)
        let sync = secretSync
        let distributor = TrustBundleDistributor(
            connection: kubernetes.connection, client: client, namespaceSelector: selector, logger: logger)
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await runtime.secure.run() }
            group.addTask { try await runtime.maintenance.run() }
            group.addTask {
                await cancelWhenGracefulShutdown {
                    await distributor.run(bundle: ca.trustBundlePEM, updates: sync?.bundles)
                }
            }
            if let sync {
                group.addTask { await cancelWhenGracefulShutdown { await sync.run(ca: ca) } }
            }
        }
    }
}
