import CA
public import Discovery
import Foundation
import GRPCCore
import GRPCNIOTransportCore
public import Logging
import Metrics
public import ServiceLifecycle
public import XDS

/// The CA's flags for `controld serve`, checked and defaulted.
public struct CASettings: Sendable, Equatable {
    /// `--ca-dir` default, istiod's file-mode location relative to the working directory.
    public static let defaultDirectory = "./etc/cacerts"
    /// `--secure-grpc-addr` default: istiod's 15012.
    public static let defaultSecureAddress = "0.0.0.0:15012"

    public var directory: String = defaultDirectory
    public var keyType: CAKeyType = .ec
    public var trustDomain: String = "cluster.local"
    public var jwksFile: String?
    public var jwtIssuer: String = "https://kubernetes.default.svc.cluster.local"
    public var workloadLifetime = WorkloadCertificateLifetime()
    public var secureAddress = HostPort(host: "0.0.0.0", port: 15012)
    public var dnsNames: [String] = []
    /// When a self-signed root is re-issued and how often that is checked
    /// (`--ca-root-grace-ratio`, `--ca-root-check-interval`; Istio: 0.2, hourly).
    public var rootRotation = RootRotationPolicy()
    /// Ten years, as Istio's self-signed roots.
    public var rootLifetime: Duration = .seconds(10 * 365 * 86400)

    public init() {}
}

/// Builds the CA from ``CASettings`` at start (a failure is a `--ca-dir` or
/// `--jwks-file` ``StartupError``) and the services that run it: the secure port
/// (CA and xDS over TLS) and the rotation/renewal timer. With a cluster
/// (`--kubeconfig`, `--in-cluster`) the root lives in a Secret instead, tokens are
/// checked with TokenReview and the trust bundle goes to every namespace: see
/// ``KubernetesCAService``.
public enum CAServices {
    /// The CA's services, for the serve group.
    public static func make(
        settings: CASettings, xds: XDSServer, metrics: CAMetrics = CAMetrics(),
        kubernetes: KubernetesSettings? = nil, discoverySelectors: [KubernetesLabelSelector] = []
    ) async throws(StartupError) -> [ServiceGroupConfiguration.ServiceConfiguration] {
        if let kubernetes {
            let service = try await KubernetesCAService.make(
                settings: settings, kubernetes: kubernetes, discoverySelectors: discoverySelectors, xds: xds,
                metrics: metrics)
            return [.init(service: service, failureTerminationBehavior: .gracefullyShutdownGroup, serviceName: "ca")]
        }
        let directory = CADirectory(path: settings.directory)
        let authority = try await load(directory, settings: settings)
        var reviewer: (any TokenReviewer)?
        if let jwksFile = settings.jwksFile {
            do {
                reviewer = LocalTokenVerifier(keys: try JSONWebKeySet(contentsOfFile: jwksFile), issuer: settings.jwtIssuer)
            } catch {
                throw StartupError(flag: "--jwks-file", value: jwksFile, problem: error.problem, kind: .runtime)
            }
        }
        let runtime = try runtime(
            ca: LocalCertificateAuthority(authority), store: directory, reviewer: reviewer, settings: settings, xds: xds,
            metrics: metrics, flag: "--ca-dir", value: settings.directory)
        return [
            .init(
                service: runtime.secure, failureTerminationBehavior: .gracefullyShutdownGroup,
                serviceName: "secure-grpc"),
            .init(service: runtime.maintenance, serviceName: "ca-maintenance"),
        ]
    }

    /// The authority in `directory` (plugged in, made earlier, or made now); a failure
    /// is one line naming `--ca-dir`.
    static func load(_ directory: CADirectory, settings: CASettings) async throws(StartupError) -> SigningAuthority {
        do {
            return try await directory.loadOrCreate(
                keyType: settings.keyType, trustDomain: settings.trustDomain, rootLifetime: settings.rootLifetime,
                now: Date())
        } catch {
            throw StartupError(flag: "--ca-dir", value: settings.directory, problem: error.problem, kind: .runtime)
        }
    }

    /// What runs a CA once its root is known, in either mode: the secure port serving
    /// it, and its timer (rotation into `store`, serving-certificate renewal, gauges).
    /// A serving certificate that cannot be issued is reported against `flag`.
    static func runtime(
        ca: LocalCertificateAuthority, store: any CARootStore, reviewer: (any TokenReviewer)?, settings: CASettings,
        xds: XDSServer, metrics: CAMetrics, flag: String, value: String
    ) throws(StartupError) -> (secure: SecurePortService, maintenance: CAMaintenanceService) {
        let tls: SecurePortTLS
        do {
            tls = try SecurePortTLS(
                ca: ca, extraDNSNames: settings.dnsNames, lifetime: settings.workloadLifetime.defaultLifetime)
        } catch {
            throw StartupError(
                flag: flag, value: value, problem: "cannot issue the serving certificate: \(error)", kind: .runtime)
        }
        let handler = CertificateRequestHandler(
            ca: ca,
            authenticator: CallerAuthenticator(trustDomain: settings.trustDomain, tokenReviewer: reviewer, ca: ca),
            lifetime: settings.workloadLifetime,
            metrics: metrics)
        let address = try XDSService.socketAddress(settings.secureAddress)
        let secure = SecureGRPCServer(
            address: address,
            services: [
                IstioCertificateService(handler: handler, peerCertificates: SecureGRPCServer.peerCertificates),
                AggregatedDiscoveryService(server: xds),
                SecretDiscoveryService(server: xds),
            ],
            tls: tls,
            logger: Logger(label: "secure-grpc"),
            onShutdown: { xds.closeAllStreams() })
        let maintenance = CAMaintenanceService(
            ca: ca,
            rotator: RootRotator(
                policy: settings.rootRotation, store: store, trustDomain: settings.trustDomain,
                rootLifetime: settings.rootLifetime),
            tls: tls, metrics: metrics, logger: Logger(label: "ca"))
        return (SecurePortService(server: secure, address: settings.secureAddress), maintenance)
    }
}

/// Runs the secure port, reporting a failure to listen as the one-line
/// `--secure-grpc-addr` error every other flag gives.
struct SecurePortService: ServiceLifecycle.Service {
    let server: SecureGRPCServer
    let address: HostPort

    func run() async throws {
        do {
            try await server.run()
        } catch let error as SecurePortBindError {
            throw StartupError(
                flag: "--secure-grpc-addr", value: address.description, problem: XDSService.problem(error.cause),
                kind: .runtime)
        }
    }
}
