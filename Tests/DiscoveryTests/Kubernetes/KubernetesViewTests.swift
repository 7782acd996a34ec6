import Foundation
import Testing

@testable import Discovery

@Suite("Kubernetes namespace filtering")
struct KubernetesViewTests {
    private static let location = SourceLocation.kubernetes(server: "https://k8s")

    private static func object(_ type: KubernetesResourceType, _ namespace: String, _ name: String, labels: [String: String] = [:]) -> KubernetesObject {
        KubernetesObject(
            raw: RawObject(
                key: ObjectKey(group: type.group, kind: type.kind, namespace: namespace, name: name),
                apiVersion: type.apiVersion, resourceVersion: "1", json: Data("{}".utf8), location: location),
            labels: labels)
    }

    private static func namespace(_ name: String, _ labels: [String: String]) -> KubernetesObject {
        object(.namespaces, "", name, labels: labels)
    }

    @Test func withoutASelectorEverythingPassesThrough() {
        var view = KubernetesView(selector: nil, emitted: [KubernetesResourceType.services.groupKind], location: Self.location)
        let events = view.apply(.listed(KubernetesResourceType.services.groupKind, [Self.object(.services, "a", "s")]))
        #expect(events.map(EventRecorder.line) == ["replaceAll Service [a/s]"])
        #expect(view.apply(.deleted(Self.object(.services, "a", "s"))).map(EventRecorder.line) == ["delete Service a/s"])
    }

    @Test func namespacedKindsWaitForTheNamespacesAndFollowTheirLabels() {
        let selector = KubernetesNamespaceSelector([.init(matchLabels: ["istio-discovery": "enabled"])])
        var view = KubernetesView(
            selector: selector,
            emitted: [KubernetesResourceType.services.groupKind, KubernetesResourceType.nodes.groupKind],
            location: Self.location)
        // Services listed first: nothing can be filtered yet, so nothing goes out.
        #expect(view.apply(.listed(KubernetesResourceType.services.groupKind, [
            Self.object(.services, "bookinfo", "reviews"), Self.object(.services, "other", "db"),
        ])).isEmpty)
        #expect(view.apply(.listed(KubernetesResourceType.nodes.groupKind, [Self.object(.nodes, "", "node-1")])).isEmpty)
        let first = view.apply(.listed(KubernetesView.namespaceKind, [
            Self.namespace("bookinfo", ["istio-discovery": "enabled"]), Self.namespace("other", [:]),
        ]))
        #expect(first.map(EventRecorder.line) == ["replaceAll Node [node-1]", "replaceAll Service [bookinfo/reviews]"])
        // An object in an unselected namespace stays out.
        #expect(view.apply(.upserted(Self.object(.services, "other", "cache"))).isEmpty)
        // "other" starts matching: its objects appear.
        let selected = view.apply(.upserted(Self.namespace("other", ["istio-discovery": "enabled"])))
        #expect(selected.map(EventRecorder.line) == ["upsert Service other/cache@1", "upsert Service other/db@1"])
        // "bookinfo" stops matching: its objects go.
        let unselected = view.apply(.upserted(Self.namespace("bookinfo", [:])))
        #expect(unselected.map(EventRecorder.line) == ["delete Service bookinfo/reviews"])
        // Deleting an object nobody saw says nothing.
        #expect(view.apply(.deleted(Self.object(.services, "bookinfo", "reviews"))).isEmpty)
    }

    @Test func namespacesThemselvesAreFilteredWhenEmitted() {
        let selector = KubernetesNamespaceSelector([.init(matchLabels: ["mesh": "yes"])])
        var view = KubernetesView(selector: selector, emitted: [KubernetesView.namespaceKind], location: Self.location)
        let events = view.apply(.listed(KubernetesView.namespaceKind, [
            Self.namespace("a", ["mesh": "yes"]), Self.namespace("b", [:]),
        ]))
        #expect(events.map(EventRecorder.line) == ["replaceAll Namespace [a]"])
        #expect(view.apply(.upserted(Self.namespace("a", [:]))).map(EventRecorder.line) == ["delete Namespace a"])
        #expect(view.apply(.upserted(Self.namespace("b", ["mesh": "yes"]))).map(EventRecorder.line) == ["upsert Namespace b@1"])
    }
}
