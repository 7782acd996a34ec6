/// A failure that ends `controld` before or while it starts, reported as one line
/// naming the flag and value at fault, e.g.
/// `controld: --monitoring-addr 0.0.0.0:15014: address already in use`.
///
/// Users script around the exit status, so it distinguishes a wrong command line
/// (status 2) from an environment that does not cooperate (status 1).
public struct StartupError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Whether the command line or the environment is at fault.
    public enum Kind: Sendable, Equatable {
        /// The command line is wrong: exit status 2.
        case usage
        /// The command line is fine but the environment refused: exit status 1.
        case runtime
    }

    /// The flag at fault, with its dashes (`--monitoring-addr`).
    public var flag: String
    /// The value given (or defaulted) for the flag.
    public var value: String
    /// What is wrong, in a few lowercase words.
    public var problem: String
    /// Whether this is a usage or a runtime failure.
    public var kind: Kind

    public init(flag: String, value: String, problem: String, kind: Kind) {
        self.flag = flag
        self.value = value
        self.problem = problem
        self.kind = kind
    }

    /// The single line printed on stderr.
    public var line: String { "controld: \(flag) \(value): \(problem)" }

    /// The process exit status for this failure.
    public var exitStatus: Int32 {
        switch kind {
        case .usage: 2
        case .runtime: 1
        }
    }

    public var description: String { line }
}
