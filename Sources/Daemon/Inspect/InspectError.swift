import NIOCore
import NIOPosix

/// Why `controld proxy-status` or `proxy-config` could not answer, as the one line
/// the command prints (`controld: cannot reach controld at 127.0.0.1:15014:
/// connection refused`); the exit status is 1.
public struct InspectError: Error, Equatable, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }

    /// Nothing answered at `address`; `error` is what the connection attempt threw.
    public static func unreachable(_ address: String, _ error: any Error) -> InspectError {
        InspectError("cannot reach controld at \(address): \(reason(error))")
    }

    /// The operating system's words for a failed connection when the error carries
    /// them (NIO wraps each attempt), else the error's own text.
    public static func reason(_ error: any Error) -> String {
        if let io = error as? IOError {
            return MonitoringServer.describe(errno: io.errnoCode)
        }
        if let connection = error as? NIOConnectionError {
            if let first = connection.connectionErrors.first {
                return reason(first.error)
            }
            return "cannot resolve host \(connection.host)"
        }
        if error is ChannelError {
            return "\(error)".lowercased()
        }
        return "\(error)"
    }
}
