/// Why the CA refused a request, with the message the caller gets back.
///
/// The reason decides both the gRPC status and the `citadel_server_*` counter, so
/// each refusal is reported and counted exactly once.
public struct CARejection: Error, Sendable, Equatable, CustomStringConvertible {
    /// The class of refusal.
    public enum Reason: Sendable, Equatable {
        /// The CSR is malformed, badly signed or uses a refused key (INVALID_ARGUMENT).
        case invalidRequest
        /// No credential proved who the caller is (UNAUTHENTICATED).
        case unauthenticated
        /// The CSR asks for an identity the caller does not have (PERMISSION_DENIED).
        case identityNotAllowed
        /// Signing failed on the CA's side (INTERNAL).
        case signingFailed
    }

    /// The class of refusal.
    public var reason: Reason
    /// What is wrong, for the caller.
    public var message: String

    public init(_ reason: Reason, _ message: String) {
        self.reason = reason
        self.message = message
    }

    public var description: String { message }
}
