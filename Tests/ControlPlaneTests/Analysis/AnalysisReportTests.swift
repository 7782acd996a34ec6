import ControlPlane
import Discovery
import Foundation
import Testing

@Suite("analyze: report output")
struct AnalysisReportTests {
    static let findings = [
        AnalysisFinding(
            .referencedResourceNotFound,
            object: ObjectKey(group: "networking.istio.io", kind: "VirtualService", namespace: "default", name: "reviews"),
            message: #"Referenced host not found: "ratingz""#, location: .file(path: "mesh/vs.yaml", line: 12, column: 1)),
        AnalysisFinding(.unreadableInput, object: nil, message: "did not find expected key", location: .file(path: "mesh/bad.yaml", line: 3, column: 5)),
    ].sorted()

    @Test("text: one line per finding, istioctl style, sorted by location")
    func text() {
        #expect(AnalysisReport.text(Self.findings, analyzed: ["mesh"]) == """
            Error [CTL0001] (mesh/bad.yaml:3:5) did not find expected key
            Error [IST0101] (VirtualService default/reviews mesh/vs.yaml:12) Referenced host not found: "ratingz"

            """)
        #expect(AnalysisReport.text([], analyzed: ["mesh", "extra.yaml"])
            == "✔ No validation issues found when analyzing mesh, extra.yaml.\n")
    }

    @Test("json: an array of objects with code, name, level, object, message and location")
    func json() throws {
        let data = Data(AnalysisReport.json(Self.findings).utf8)
        let array = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        #expect(array.count == 2)
        #expect(array[1]["code"] as? String == "IST0101")
        #expect(array[1]["name"] as? String == "ReferencedResourceNotFound")
        #expect(array[1]["level"] as? String == "Error")
        #expect(array[1]["object"] as? String == "VirtualService default/reviews")
        #expect(array[1]["location"] as? String == "mesh/vs.yaml:12")
        #expect(array[0]["object"] is NSNull)
        #expect(AnalysisReport.json([]) == "[]\n")
    }
}
