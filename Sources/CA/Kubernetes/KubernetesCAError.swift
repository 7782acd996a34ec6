import Discovery

/// Why the CA could not read or write its objects in the cluster. A transient one
/// (the API server unreachable, overloaded, or refusing our credentials for now) is
/// retried; any other (a Secret whose key does not match its certificate) stops
/// the CA with its message.
public struct KubernetesCAError: Error, Sendable, CustomStringConvertible {
    /// What is wrong, naming the object.
    public var problem: String
    /// Whether trying again later may succeed.
    public var isTransient: Bool

    public init(_ problem: String, isTransient: Bool) {
        self.problem = problem
        self.isTransient = isTransient
    }

    public var description: String { problem }

    /// A request that did not reach the server or got no answer.
    static func unreachable(_ what: String, server: String, _ error: any Error) -> Self {
        Self("\(what): cannot reach the API server \(server) (\(error))", isTransient: true)
    }

    /// An answer other than the ones the caller handles. Rejected credentials,
    /// throttling and server errors are worth retrying; a 4xx about the request is not.
    static func refused(_ what: String, _ error: KubernetesAPIError) -> Self {
        let transient = [401, 403, 408, 429].contains(error.code) || error.code >= 500
        return Self("\(what): \(error)", isTransient: transient)
    }
}
