/// Kubernetes' object metadata: what every resource carries.
///
/// Equality ignores what changes without the object changing (resourceVersion,
/// managedFields, timestamps), so a re-list or a touched file is not an update.
public struct ObjectMeta: Sendable, Codable, Equatable {
    public var name: String?
    public var generateName: String?
    public var namespace: String?
    public var uid: String?
    public var resourceVersion: String?
    public var generation: Int?
    public var creationTimestamp: String?
    public var deletionTimestamp: String?
    public var deletionGracePeriodSeconds: Int?
    public var labels: [String: String]?
    public var annotations: [String: String]?
    public var ownerReferences: [OwnerReference]?
    public var finalizers: [String]?
    public var managedFields: JSONValue?
    public var selfLink: String?

    public init(name: String? = nil, namespace: String? = nil, labels: [String: String]? = nil) {
        self.name = name
        self.namespace = namespace
        self.labels = labels
    }

    public static func == (lhs: ObjectMeta, rhs: ObjectMeta) -> Bool {
        lhs.name == rhs.name && lhs.namespace == rhs.namespace && lhs.uid == rhs.uid
            && lhs.labels == rhs.labels && lhs.annotations == rhs.annotations
            && lhs.ownerReferences == rhs.ownerReferences && lhs.finalizers == rhs.finalizers
            && lhs.deletionTimestamp == rhs.deletionTimestamp && lhs.generateName == rhs.generateName
    }
}

/// Who owns an object (a Pod's ReplicaSet, an EndpointSlice's Service).
public struct OwnerReference: Sendable, Codable, Hashable {
    public var apiVersion: String
    public var kind: String
    public var name: String
    public var uid: String?
    public var controller: Bool?
    public var blockOwnerDeletion: Bool?
}

/// Kubernetes' label selector (`matchLabels` and `matchExpressions`).
public struct LabelSelector: Sendable, Codable, Hashable {
    /// One `matchExpressions` entry.
    public struct Requirement: Sendable, Codable, Hashable {
        /// The operators Kubernetes defines.
        public enum Operator: String, Sendable, Codable, Hashable {
            case `in` = "In", notIn = "NotIn", exists = "Exists", doesNotExist = "DoesNotExist"
        }
        public var key: String
        public var `operator`: Operator
        public var values: [String]?
    }

    public var matchLabels: [String: String]?
    public var matchExpressions: [Requirement]?

    public init(matchLabels: [String: String]? = nil) {
        self.matchLabels = matchLabels
    }

    /// Whether `labels` satisfy every requirement; an empty selector matches everything.
    public func matches(_ labels: [String: String]) -> Bool {
        for (key, value) in matchLabels ?? [:] where labels[key] != value { return false }
        for requirement in matchExpressions ?? [] {
            let value = labels[requirement.key]
            switch requirement.operator {
            case .in: if value == nil || !(requirement.values ?? []).contains(value!) { return false }
            case .notIn: if let value, (requirement.values ?? []).contains(value) { return false }
            case .exists: if value == nil { return false }
            case .doesNotExist: if value != nil { return false }
            }
        }
        return true
    }
}

/// Istio's `workloadSelector` on ServiceEntry and Sidecar: plain `labels`.
public struct WorkloadSelector: Sendable, Codable, Hashable {
    public var labels: [String: String]?
}

/// Istio's `selector` on security policies and DestinationRule's `workloadSelector`:
/// `matchLabels` only.
public struct MatchLabelsSelector: Sendable, Codable, Hashable {
    public var matchLabels: [String: String]?
}

/// A policy attachment (`targetRef`/`targetRefs`) to a Gateway API resource or Service.
public struct PolicyTargetReference: Sendable, Codable, Hashable {
    public var group: String?
    public var kind: String
    public var name: String
    public var namespace: String?
}
