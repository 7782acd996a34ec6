import Foundation
public import Logging
public import ServiceLifecycle
import X509
public import XDS

/// The node agent: keeps one workload's certificate fresh and hands it to the local
/// Envoy over SDS (and, optionally, to files for proxyless gRPC).
///
/// Two tasks: the SDS server on the Unix socket, and the renewal loop, which follows
/// a `RenewalSchedule`: get a certificate, publish it, sleep until it is due,
/// renew; on failure back off and keep publishing the old one.
public struct NodeAgent: Service {
    public let configuration: AgentConfiguration
    let signer: any CertificateSigner
    let logger: Logger
    /// What SDS serves.
    public let secrets: SecretProvider
    /// The xDS server behind the SDS socket.
    public let xds: XDSServer

    public init(configuration: AgentConfiguration, signer: any CertificateSigner, logger: Logger) {
        self.configuration = configuration
        self.signer = signer
        self.logger = logger
        self.secrets = SecretProvider()
        self.xds = XDSServer(provider: secrets, identifier: "controld-agent", logger: logger)
    }

    public func run() async throws {
        let server = SDSSocketServer(path: configuration.sdsSocketPath, xds: xds, logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            group.addTask {
                try? await cancelOnGracefulShutdown { try await renewalLoop() }
            }
            // Either task ending ends the agent: the server only ends on shutdown or
            // failure, and the loop only on shutdown.
            defer { group.cancelAll() }
            try await group.next()
        }
    }

    /// Renews until cancelled.
    func renewalLoop() async throws {
        var schedule = RenewalSchedule(policy: configuration.renewal)
        var generator = SystemRandomNumberGenerator()
        var current: WorkloadCredentials?
        var roots = readRoots() ?? []
        var nextRootCheck = Date().addingTimeInterval(configuration.rootCheckInterval.inSeconds)

        while !Task.isCancelled {
            switch schedule.nextAction(at: Date()) {
            case .renew:
                do {
                    if let latest = readRoots() { roots = latest }
                    let credentials = try await obtain(current: current, roots: roots)
                    schedule.issued(notAfter: credentials.notAfter, at: Date(), using: &generator)
                    current = credentials
                    publish(credentials, reason: "certificate issued")
                    logger.info(
                        "workload certificate issued",
                        metadata: [
                            "identity": "\(configuration.identity)",
                            "serial": "\(credentials.serialHex)",
                            "expires": "\(credentials.notAfter)",
                            "renews": "\(schedule.renewAt.map { "\($0)" } ?? "-")",
                        ])
                } catch is CancellationError {
                    return
                } catch {
                    schedule.failed(at: Date())
                    let held = schedule.holdsValidCertificate(at: Date())
                    logger.log(
                        level: current != nil && !held ? .error : .warning,
                        "certificate request failed",
                        metadata: [
                            "error": "\(error)",
                            "attempt": "\(schedule.failures)",
                            "retry_at": "\(schedule.retryAt.map { "\($0)" } ?? "-")",
                            "serving": "\(current == nil ? "nothing" : held ? "current certificate" : "expired certificate")",
                        ])
                }
            case .wait(let until):
                let wake = min(until, nextRootCheck)
                let interval = wake.timeIntervalSinceNow
                if interval > 0 {
                    try await Task.sleep(for: .milliseconds(Int64((interval * 1000).rounded(.up))))
                }
                if Date() >= nextRootCheck {
                    nextRootCheck = Date().addingTimeInterval(configuration.rootCheckInterval.inSeconds)
                    if let latest = readRoots(), latest != roots {
                        roots = latest
                        if let held = current, let updated = try? held.withRoots(latest) {
                            current = updated
                            publish(updated, reason: "roots changed")
                            logger.info("trust bundle changed", metadata: ["roots": "\(latest.count)"])
                        }
                    }
                }
            }
        }
    }

    /// One CreateCertificate: a fresh key, a CSR for it, the call, the checks.
    func obtain(current: WorkloadCredentials?, roots: [Certificate]) async throws -> WorkloadCredentials {
        let key = try WorkloadKey.generate(configuration.keyType)
        let csr = try WorkloadCSR.pem(identity: configuration.identity, key: key)
        let chain = try await signer.sign(csrPEM: csr, validity: configuration.certificateTTL, current: current)
        let credentials = try WorkloadCredentials(key: key, response: chain, roots: roots)
        guard credentials.notAfter > Date() else {
            throw AgentError.badResponse("the CA returned a certificate that has already expired")
        }
        return credentials
    }

    /// Serves `credentials` over SDS, writes them out, and tells connected Envoys.
    func publish(_ credentials: WorkloadCredentials, reason: String) {
        do {
            try secrets.update(credentials)
        } catch {
            logger.error("cannot encode the secrets", metadata: ["error": "\(error)"])
            return
        }
        if let directory = configuration.outputDirectory {
            do {
                try CertificateFiles(directory: directory).write(credentials)
            } catch {
                logger.error("cannot write the certificate files", metadata: ["error": "\(error)"])
            }
        }
        xds.push(.full([.secret], reason: "secret"))
        logger.debug("secrets pushed", metadata: ["reason": "\(reason)"])
    }

    /// The roots in the root file, or nil (logged) when it cannot be read: the roots
    /// already known stay in use.
    private func readRoots() -> [Certificate]? {
        do {
            return try PEMBundle.certificates(atPath: configuration.rootCertPath)
        } catch {
            logger.warning(
                "cannot read the root certificate file",
                metadata: ["path": "\(configuration.rootCertPath)", "error": "\(error)"])
            return nil
        }
    }
}
