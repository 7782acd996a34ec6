public import Discovery
import Foundation
public import Logging

/// Keeps the ConfigMap `istio-ca-root-cert` in every namespace equal to the CA's trust
/// bundle, as istiod does: it lists and watches Namespaces and those ConfigMaps (with
/// the Kubernetes source, honouring MeshConfig's `discoverySelectors`), creates the
/// ConfigMap in each namespace, in namespaces created later, and again when someone
/// deletes it; puts the bundle back when someone edits it; and rewrites them all when
/// the bundle changes (root rotation). Writes wait for the first complete lists, so
/// what exists is known before anything is created.
public struct TrustBundleDistributor: Sendable {
    /// The reads (list and watch).
    public var source: KubernetesSource
    /// The writes.
    public var client: KubernetesObjectClient
    /// How long a failed write waits before it is tried again.
    public var retryDelay: Duration
    let logger: Logger

    public init(
        connection: KubernetesConnection, client: KubernetesObjectClient,
        namespaceSelector: KubernetesNamespaceSelector? = nil,
        options: KubernetesSourceOptions = KubernetesSourceOptions(),
        retryDelay: Duration = .seconds(1), logger: Logger
    ) {
        source = KubernetesSource(
            connection: connection, kinds: TrustBundleLedger.kinds, namespaceSelector: namespaceSelector,
            options: options)
        self.client = client
        self.retryDelay = retryDelay
        self.logger = logger
    }

    private enum Input: Sendable {
        case event(SourceEvent)
        case synced
        case bundle(String)
        case retry(String)
    }

    /// Runs until the task is cancelled: distributes `bundle`, then each bundle
    /// `updates` yields (the newest wins).
    public func run(bundle initial: String, updates: AsyncStream<String>? = nil) async {
        let (inputs, continuation) = AsyncStream.makeStream(of: Input.self)
        let source = source
        await withDiscardingTaskGroup { group in
            group.addTask {
                do {
                    try await source.run(
                        sink: { continuation.yield(.event($0)) }, onSynced: { continuation.yield(.synced) })
                } catch {
                    logger.error("cannot read namespaces for the trust bundle", metadata: ["error": "\(error)"])
                }
            }
            if let updates {
                group.addTask {
                    for await bundle in updates { continuation.yield(.bundle(bundle)) }
                }
            }
            var ledger = TrustBundleLedger()
            var bundle = initial
            var synced = false
            var retrying: Set<String> = []
            for await input in inputs {
                let touched: Set<String>
                switch input {
                case .event(let event):
                    touched = ledger.apply(event)
                case .synced:
                    synced = true
                    touched = ledger.namespaceNames
                    logger.info("distributing the trust bundle", metadata: ["namespaces": "\(touched.count)"])
                case .bundle(let next):
                    guard next != bundle else { continue }
                    bundle = next
                    touched = ledger.namespaceNames
                case .retry(let namespace):
                    retrying.remove(namespace)
                    touched = [namespace]
                }
                guard synced else { continue }
                for namespace in touched.sorted() {
                    guard let write = ledger.write(for: namespace, bundle: bundle) else { continue }
                    switch await perform(write) {
                    case .stored(let json):
                        ledger.wrote(json, in: namespace)
                    case .left:
                        break
                    case .failed where retrying.insert(namespace).inserted:
                        let delay = retryDelay
                        group.addTask {
                            try? await Task.sleep(for: delay)
                            continuation.yield(.retry(namespace))
                        }
                    case .failed:
                        break  // a retry is already scheduled
                    }
                }
            }
            group.cancelAll()
        }
        continuation.finish()
    }

    private enum Outcome {
        /// Written; the object as stored.
        case stored(Data)
        /// Not written, and nothing to retry: the namespace is gone, or the ConfigMap
        /// exists or changed meanwhile, and its watch event decides what comes next.
        case left
        /// Failed (unreachable, refused): try again later.
        case failed
    }

    private func perform(_ write: TrustBundleLedger.Write) async -> Outcome {
        let configMaps = KubernetesResourceType.configMaps
        let response: KubernetesResponse
        let path: String
        do {
            switch write {
            case .create(let namespace, let json):
                path = configMaps.collectionPath(namespace: namespace)
                response = try await client.create(json, in: path)
            case .replace(let namespace, let json):
                path = configMaps.objectPath(namespace: namespace, name: TrustBundleLedger.configMapName)
                response = try await client.replace(json, at: path)
            }
        } catch {
            logger.warning(
                "cannot write the trust bundle", metadata: ["namespace": "\(write.namespace)", "error": "\(error)"])
            return .failed
        }
        if response.succeeded {
            logger.debug("wrote the trust bundle", metadata: ["namespace": "\(write.namespace)"])
            return .stored(response.body)
        }
        switch response.status {
        case 404, 409:
            return .left
        default:
            logger.warning(
                "cannot write the trust bundle",
                metadata: ["namespace": "\(write.namespace)", "error": "\(response.error(path: path))"])
            return .failed
        }
    }
}
