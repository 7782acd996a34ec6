/// A Kubernetes label selector (`matchLabels` and `matchExpressions`), as MeshConfig's
/// `discoverySelectors` holds them. The empty selector matches everything.
public struct KubernetesLabelSelector: Sendable, Hashable, Codable {
    public var matchLabels: [String: String]
    public var matchExpressions: [Requirement]

    public init(matchLabels: [String: String] = [:], matchExpressions: [Requirement] = []) {
        self.matchLabels = matchLabels
        self.matchExpressions = matchExpressions
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        matchLabels = try container.decodeIfPresent([String: String].self, forKey: .matchLabels) ?? [:]
        matchExpressions = try container.decodeIfPresent([Requirement].self, forKey: .matchExpressions) ?? []
    }

    /// One `matchExpressions` entry.
    public struct Requirement: Sendable, Hashable, Codable {
        public var key: String
        public var `operator`: Operator
        public var values: [String]

        public init(key: String, operator: Operator, values: [String] = []) {
            self.key = key
            self.operator = `operator`
            self.values = values
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            key = try container.decode(String.self, forKey: .key)
            `operator` = try container.decode(Operator.self, forKey: .operator)
            values = try container.decodeIfPresent([String].self, forKey: .values) ?? []
        }

        func matches(_ labels: [String: String]) -> Bool {
            switch `operator` {
            case .in: labels[key].map(values.contains) ?? false
            case .notIn: labels[key].map { !values.contains($0) } ?? true
            case .exists: labels[key] != nil
            case .doesNotExist: labels[key] == nil
            }
        }
    }

    public enum Operator: String, Sendable, Hashable, Codable {
        case `in` = "In"
        case notIn = "NotIn"
        case exists = "Exists"
        case doesNotExist = "DoesNotExist"
    }

    /// Whether an object with `labels` is selected: every label and every expression holds.
    public func matches(_ labels: [String: String]) -> Bool {
        matchLabels.allSatisfy { labels[$0.key] == $0.value } && matchExpressions.allSatisfy { $0.matches(labels) }
    }
}

/// Which namespaces the mesh sees, like Istio's `discoverySelectors`: a namespace is
/// selected when any selector matches its labels. Objects in other namespaces are not
/// emitted; cluster-scoped objects (Nodes) always are.
public struct KubernetesNamespaceSelector: Sendable, Hashable {
    public var selectors: [KubernetesLabelSelector]

    public init(_ selectors: [KubernetesLabelSelector]) {
        self.selectors = selectors
    }

    /// Istio reads an empty list as "every namespace".
    public func matches(_ labels: [String: String]) -> Bool {
        selectors.isEmpty || selectors.contains { $0.matches(labels) }
    }
}
