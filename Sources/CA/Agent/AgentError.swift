/// A failure of the node agent, reported by `controld agent` as one line naming the
/// flag at fault when there is one.
public struct AgentError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Whether the command line (usage) or the environment (runtime) is at fault.
    public enum Kind: Sendable, Equatable {
        case usage
        case runtime
    }

    /// The flag the problem belongs to, with dashes, or nil when none does.
    public var flag: String?
    /// The flag's value.
    public var value: String
    /// What is wrong, in a few lowercase words.
    public var problem: String
    public var kind: Kind

    public init(flag: String?, value: String = "", problem: String, kind: Kind) {
        self.flag = flag
        self.value = value
        self.problem = problem
        self.kind = kind
    }

    /// A CA response that cannot be used; retried like any failed renewal.
    static func badResponse(_ problem: String) -> AgentError {
        AgentError(flag: nil, problem: problem, kind: .runtime)
    }

    public var description: String {
        guard let flag else { return problem }
        return "\(flag) \(value): \(problem)"
    }
}
