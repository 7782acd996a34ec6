public import Discovery
public import Foundation
public import Logging

/// Reads, creates and replaces `istio-ca-secret` as istiod does: the first replica to
/// start makes the root and creates the Secret; every other (and every restart) loads
/// the root from it; a replica that loses the race to create re-reads the winner's.
public struct IstioCASecretStore: Sendable {
    /// The API server.
    public var client: KubernetesObjectClient
    /// Where the Secret lives (`istio-system`).
    public var namespace: String

    public init(client: KubernetesObjectClient, namespace: String) {
        self.client = client
        self.namespace = namespace
    }

    var path: String { KubernetesResourceType.secrets.objectPath(namespace: namespace, name: IstioCASecret.name) }
    var reference: String { "Secret \(namespace)/\(IstioCASecret.name)" }

    /// The Secret, or nil when there is none (404).
    public func read() async throws(KubernetesCAError) -> IstioCASecret? {
        let response = try await exchange("reading") { try await client.get(path) }
        if response.status == 404 { return nil }
        guard response.succeeded else { throw .refused("reading \(reference)", response.error(path: path)) }
        return try parse(response.body)
    }

    /// The root in the Secret, checked; or, when there is no Secret, a new self-signed
    /// root of `keyType`, created as the Secret. When another replica creates it first
    /// (409), its root is read and used instead, so all replicas sign with one root.
    public func loadOrCreate(
        keyType: CAKeyType, trustDomain: String, rootLifetime: Duration, now: Date, logger: Logger
    ) async throws(KubernetesCAError) -> (SigningAuthority, IstioCASecret) {
        if let secret = try await read() {
            logger.info("loaded the CA root from \(reference)")
            return (try check(secret, now: now), secret)
        }
        let authority: SigningAuthority
        let secret: IstioCASecret
        do {
            let key = try keyType.generate()
            let root = try RootCertificate.make(key: key, trustDomain: trustDomain, now: now, lifetime: rootLifetime)
            authority = SigningAuthority(certificate: root, privateKey: key, root: root)
            secret = try IstioCASecret(authority: authority, namespace: namespace)
        } catch {
            throw KubernetesCAError("cannot make a root certificate: \(error)", isTransient: false)
        }
        let collection = KubernetesResourceType.secrets.collectionPath(namespace: namespace)
        let response = try await exchange("creating") { try await client.create(secret.json(), in: collection) }
        if response.succeeded {
            logger.notice("created a new CA root in \(reference)", metadata: ["notAfter": "\(authority.root.notValidAfter)"])
            return (authority, try parse(response.body))
        }
        let error = response.error(path: collection)
        if error.isNotFound {
            // The namespace does not exist (yet): it may be created, so keep trying.
            throw KubernetesCAError("creating \(reference): \(error)", isTransient: true)
        }
        guard error.isConflict else { throw .refused("creating \(reference)", error) }
        // Another replica created it between our read and our create: use its root.
        guard let winner = try await read() else {
            throw KubernetesCAError("\(reference) was created by someone else and then deleted", isTransient: true)
        }
        logger.info("\(reference) was created by another replica; using its root")
        return (try check(winner, now: now), winner)
    }

    /// What replacing the Secret came to.
    public enum ReplaceOutcome: Sendable {
        /// Stored; the Secret as it is now (new resourceVersion).
        case stored(IstioCASecret)
        /// It changed since `secret` was read (409): read it again and decide.
        case conflict
    }

    /// Replaces the Secret with `secret`, which carries the resourceVersion it was read at.
    public func replace(_ secret: IstioCASecret) async throws(KubernetesCAError) -> ReplaceOutcome {
        let response = try await exchange("updating") { try await client.replace(secret.json(), at: path) }
        if response.succeeded { return .stored(try parse(response.body)) }
        let error = response.error(path: path)
        if error.isConflict { return .conflict }
        throw .refused("updating \(reference)", error)
    }

    private func check(_ secret: IstioCASecret, now: Date) throws(KubernetesCAError) -> SigningAuthority {
        do {
            return try secret.authority(now: now)
        } catch {
            throw KubernetesCAError(error.problem, isTransient: false)
        }
    }

    private func parse(_ body: Data) throws(KubernetesCAError) -> IstioCASecret {
        do {
            return try IstioCASecret(json: body)
        } catch {
            throw KubernetesCAError("\(reference): \(error.problem)", isTransient: false)
        }
    }

    private func exchange(
        _ doing: String, _ request: () async throws -> KubernetesResponse
    ) async throws(KubernetesCAError) -> KubernetesResponse {
        do {
            return try await request()
        } catch {
            throw .unreachable("\(doing) \(reference)", server: client.server, error)
        }
    }
}

extension IstioCASecretStore {
    /// ``loadOrCreate(keyType:trustDomain:rootLifetime:now:logger:)``, tried again with
    /// `backoff` while the failure is transient (the API server unreachable, or not yet
    /// accepting our credentials), as istiod waits for its Secret. Throws the first
    /// lasting failure, or `CancellationError` when the task is cancelled meanwhile.
    public func loadOrCreateRetrying(
        keyType: CAKeyType, trustDomain: String, rootLifetime: Duration, backoff: KubernetesBackoff,
        logger: Logger
    ) async throws -> (SigningAuthority, IstioCASecret) {
        var attempt = 0
        while true {
            do {
                return try await loadOrCreate(
                    keyType: keyType, trustDomain: trustDomain, rootLifetime: rootLifetime, now: Date(), logger: logger)
            } catch {
                // Typed as KubernetesCAError; a lasting failure ends the wait.
                guard error.isTransient else { throw error }
                let delay = backoff.delay(attempt: attempt, random: Double.random(in: 0..<1))
                attempt += 1
                logger.warning("cannot load the CA root yet; retrying in \(delay)", metadata: ["error": "\(error)"])
                try await Task.sleep(for: delay)
            }
        }
    }
}
