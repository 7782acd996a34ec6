import Foundation
import Testing

@testable import Discovery

@Suite("Kubernetes wire format")
struct KubernetesWireTests {
    @Test func linesSplitAcrossChunksAndSeveralInOne() throws {
        var splitter = KubernetesLineSplitter()
        #expect(try splitter.append(Array(#"{"type":"ADD"#.utf8)).isEmpty)
        #expect(try splitter.append(Array(#"ED"}"#.utf8)).isEmpty)
        let lines = try splitter.append(Array("\n{\"a\":1}\r\n\n{\"b\":2}\n{\"c\"".utf8))
        #expect(lines.map { String(decoding: $0, as: UTF8.self) } == [#"{"type":"ADDED"}"#, #"{"a":1}"#, #"{"b":2}"#])
        #expect(try splitter.append(Array(":3}".utf8)).isEmpty)
        #expect(splitter.finish().map { String(decoding: $0, as: UTF8.self) } == #"{"c":3}"#)
        #expect(splitter.finish() == nil)
    }

    @Test func aLineBeyondTheLimitIsAnError() {
        var splitter = KubernetesLineSplitter(maximumLineLength: 8)
        #expect(throws: KubernetesLineSplitter.LineTooLong.self) {
            try splitter.append(Array("0123456789".utf8))
        }
    }

    @Test func scannerFindsMembersPastTrickyStrings() throws {
        let text = #" { "a\"}" : "x}]\\" , "b":[1,{"c":"]"}], "n": -1.5e3 ,"t":true,"z":null} "#
        let bytes = Array(text.utf8)
        let members = try KubernetesJSONScanner.members(of: bytes)
        #expect(members.map(\.key) == [#"a"}"#, "b", "n", "t", "z"])
        #expect(String(decoding: bytes[members[1].value], as: UTF8.self) == #"[1,{"c":"]"}]"#)
        #expect(String(decoding: bytes[members[2].value], as: UTF8.self) == "-1.5e3")
        let elements = try KubernetesJSONScanner.elements(of: bytes, in: members[1].value)
        #expect(elements.map { String(decoding: bytes[$0], as: UTF8.self) } == ["1", #"{"c":"]"}"#])
        #expect(throws: KubernetesJSONScanner.Malformed.self) {
            try KubernetesJSONScanner.members(of: Array(#"{"a":[1,2}"#.utf8))
        }
    }

    @Test func listItemsGainTypeMetaAndKeepEveryOtherByte() throws {
        let parser = KubernetesObjectParser(type: .services, location: .kubernetes(server: "https://k8s"))
        let item = #"{"metadata":{"name":"reviews","namespace":"bookinfo","resourceVersion":"1712","labels":{"app":"reviews"}},"spec":{"ports":[{"port":9080}]}}"#
        let bytes = Array(item.utf8)
        let object = try parser.object(from: bytes, in: 0..<bytes.count)
        #expect(object.key == ObjectKey(group: "", kind: "Service", namespace: "bookinfo", name: "reviews"))
        #expect(object.raw.apiVersion == "v1")
        #expect(object.raw.resourceVersion == "1712")
        #expect(object.raw.location == .kubernetes(server: "https://k8s"))
        #expect(object.labels == ["app": "reviews"])
        #expect(String(decoding: object.raw.json, as: UTF8.self) == #"{"apiVersion":"v1","kind":"Service","# + item.dropFirst())

        let withTypeMeta = #"{"apiVersion":"networking.istio.io/v1beta1","kind":"VirtualService","metadata":{"name":"r","namespace":"n"}}"#
        let vsParser = KubernetesObjectParser(type: .virtualServices, location: .kubernetes(server: "https://k8s"))
        let vs = try vsParser.object(from: Array(withTypeMeta.utf8), in: 0..<withTypeMeta.utf8.count)
        #expect(vs.raw.apiVersion == "networking.istio.io/v1beta1")
        #expect(vs.raw.json == Data(withTypeMeta.utf8))
    }

    @Test func watchEventsOfEveryType() throws {
        let parser = KubernetesObjectParser(type: .pods, location: .kubernetes(server: "https://k8s"))
        func event(_ line: String) throws -> KubernetesWatchEvent {
            try KubernetesWatchEvent(line: Array(line.utf8), parser: parser)
        }
        guard case .added(let added) = try event(#"{"type":"ADDED","object":{"kind":"Pod","apiVersion":"v1","metadata":{"name":"p","namespace":"n","resourceVersion":"5"}}}"#)
        else { Issue.record("not ADDED"); return }
        #expect(added.raw.resourceVersion == "5")
        guard case .bookmark(let version) = try event(#"{"type":"BOOKMARK","object":{"kind":"Pod","apiVersion":"v1","metadata":{"resourceVersion":"12746","annotations":{"k8s.io/initial-events-end":"true"}}}}"#)
        else { Issue.record("not BOOKMARK"); return }
        #expect(version == "12746")
        guard case .error(let status) = try event(#"{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 1 (2)","reason":"Expired","code":410}}"#)
        else { Issue.record("not ERROR"); return }
        #expect(KubernetesAPIError(status: status, httpStatus: nil, path: "/api/v1/pods").isGone)
        #expect(throws: KubernetesProtocolError.self) { try event(#"{"type":"SOMETHING","object":{}}"#) }
    }

    @Test func backoffDoublesUpToTheMaximumWithJitter() {
        let backoff = KubernetesBackoff(initial: .seconds(1), maximum: .seconds(30), jitter: 0.2)
        #expect(backoff.delay(attempt: 0, random: 0) == .seconds(1))
        #expect(backoff.delay(attempt: 1, random: 0) == .seconds(2))
        #expect(backoff.delay(attempt: 3, random: 0) == .seconds(8))
        #expect(backoff.delay(attempt: 10, random: 0) == .seconds(30))
        #expect(backoff.delay(attempt: 1_000, random: 0) == .seconds(30))
        #expect(backoff.delay(attempt: 0, random: 0.5) == .milliseconds(1100))
        #expect(backoff.delay(attempt: 10, random: 1) == .seconds(36))
    }

    @Test func labelSelectors() {
        let labels = ["istio-discovery": "enabled", "env": "prod"]
        #expect(KubernetesLabelSelector().matches(labels))
        #expect(KubernetesLabelSelector(matchLabels: ["env": "prod"]).matches(labels))
        #expect(!KubernetesLabelSelector(matchLabels: ["env": "dev"]).matches(labels))
        #expect(KubernetesLabelSelector(matchExpressions: [.init(key: "env", operator: .in, values: ["prod", "staging"])]).matches(labels))
        #expect(!KubernetesLabelSelector(matchExpressions: [.init(key: "env", operator: .notIn, values: ["prod"])]).matches(labels))
        #expect(KubernetesLabelSelector(matchExpressions: [.init(key: "team", operator: .notIn, values: ["x"])]).matches(labels))
        #expect(KubernetesLabelSelector(matchExpressions: [.init(key: "env", operator: .exists)]).matches(labels))
        #expect(KubernetesLabelSelector(matchExpressions: [.init(key: "team", operator: .doesNotExist)]).matches(labels))
        #expect(KubernetesNamespaceSelector([]).matches([:]))
        let selector = KubernetesNamespaceSelector([
            .init(matchLabels: ["istio-discovery": "enabled"]), .init(matchLabels: ["env": "dev"]),
        ])
        #expect(selector.matches(["env": "dev"]))
        #expect(!selector.matches(["env": "prod"]))
    }

    @Test func labelSelectorDecodesFromMeshConfigJSON() throws {
        let json = #"[{"matchLabels":{"env":"prod"}},{"matchExpressions":[{"key":"istio-discovery","operator":"In","values":["enabled"]}]}]"#
        let selectors = try JSONDecoder().decode([KubernetesLabelSelector].self, from: Data(json.utf8))
        #expect(selectors == [
            .init(matchLabels: ["env": "prod"]),
            .init(matchExpressions: [.init(key: "istio-discovery", operator: .in, values: ["enabled"])]),
        ])
    }
}
