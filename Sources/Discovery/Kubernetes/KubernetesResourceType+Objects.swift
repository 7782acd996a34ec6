extension KubernetesResourceType {
    /// `authentication.k8s.io/v1` TokenReview: created (POST) to ask the API server
    /// who a bearer token belongs to; never stored, listed or watched.
    public static let tokenReviews = Self(
        group: "authentication.k8s.io", version: "v1", plural: "tokenreviews", kind: "TokenReview")

    /// The same kind, listed and watched only where `selector` holds
    /// (`metadata.name=istio-ca-root-cert`), so a controller that cares about one name
    /// does not read every object of the kind in the cluster.
    public func selecting(fields selector: String) -> Self {
        var narrowed = self
        narrowed.fieldSelector = selector
        return narrowed
    }

    /// The collection objects of this kind are created in: `/api/v1/namespaces/NS/configmaps`
    /// for a namespaced kind, ``collectionPath`` for a cluster-scoped one (`namespace` nil).
    public func collectionPath(namespace: String?) -> String {
        guard let namespace else { return collectionPath }
        let prefix = group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)"
        return "\(prefix)/namespaces/\(namespace)/\(plural)"
    }

    /// One object's path: `/api/v1/namespaces/istio-system/secrets/istio-ca-secret`.
    public func objectPath(namespace: String?, name: String) -> String {
        "\(collectionPath(namespace: namespace))/\(name)"
    }
}
