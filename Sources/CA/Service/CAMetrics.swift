import Foundation
public import Metrics

/// The CA's metrics, with Istio's names so its dashboards work unchanged.
///
/// Every request counts once in `citadel_server_csr_count` and, when refused, once
/// in the counter for its refusal: UNAUTHENTICATED in
/// `citadel_server_authentication_failure_count`, PERMISSION_DENIED (the CSR names
/// someone other than the caller) in `citadel_server_id_extraction_err_count`,
/// INVALID_ARGUMENT in `citadel_server_csr_parsing_err_count`, INTERNAL in
/// `citadel_server_csr_sign_err_count`.
public struct CAMetrics: Sendable {
    /// Where metrics go: the process's bootstrapped factory, or one a test provides.
    let factory: any MetricsFactory

    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        self.factory = factory
    }

    func requestReceived() { counter("citadel_server_csr_count") }
    func issued() { counter("citadel_server_success_cert_issuance_count") }

    func refused(_ reason: CARejection.Reason) {
        switch reason {
        case .invalidRequest: counter("citadel_server_csr_parsing_err_count")
        case .unauthenticated: counter("citadel_server_authentication_failure_count")
        case .identityNotAllowed: counter("citadel_server_id_extraction_err_count")
        case .signingFailed: counter("citadel_server_csr_sign_err_count")
        }
    }

    /// Records the expiries of the root and of the signing chain (seconds since the
    /// epoch), for alerts before either runs out.
    public func recordExpiries(of authority: SigningAuthority) {
        Gauge(label: "citadel_server_root_cert_expiry_timestamp", dimensions: [], factory: factory)
            .record(authority.root.notValidAfter.timeIntervalSince1970)
        Gauge(label: "citadel_server_cert_chain_expiry_timestamp", dimensions: [], factory: factory)
            .record(authority.chainExpiry.timeIntervalSince1970)
    }

    private func counter(_ label: String) {
        Counter(label: label, dimensions: [], factory: factory).increment()
    }
}
