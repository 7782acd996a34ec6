import Foundation
import Testing

/// `controld analyze` run as users run it: exit status, text and JSON output.
@Suite("controld analyze", .timeLimit(.minutes(2)))
struct AnalyzeCommandTests {
    /// A folder of Istio YAML written for one test.
    private final class Folder {
        let url: URL

        init(_ files: [String: String]) throws {
            url = FileManager.default.temporaryDirectory
                .appendingPathComponent("controld-analyze-e2e-\(UUID().uuidString)", isDirectory: true)
            for (name, text) in files {
                let file = url.appendingPathComponent(name)
                try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(text.utf8).write(to: file)
            }
        }

        deinit { try? FileManager.default.removeItem(at: url) }

        var path: String { url.path }
    }

    private static let service = """
        apiVersion: v1
        kind: Service
        metadata:
          name: reviews
        spec:
          selector:
            app: reviews
          ports:
          - name: http
            port: 9080
        """

    private static func virtualService(host: String) -> String {
        """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata:
          name: reviews
        spec:
          hosts: [reviews]
          http:
          - route:
            - destination:
                host: \(host)
        """
    }

    private func run(_ arguments: [String]) async throws -> (status: Int32?, controld: ControldProcess) {
        let controld = try ControldProcess(["analyze"] + arguments)
        return (try await controld.waitForExit(within: .seconds(60)), controld)
    }

    @Test("a clean folder exits 0 and says so; as JSON, an empty array")
    func clean() async throws {
        let folder = try Folder(["svc.yaml": Self.service, "routes/vs.yaml": Self.virtualService(host: "reviews")])
        let (status, controld) = try await run([folder.path])
        #expect(status == 0)
        #expect(controld.standardOutput == "✔ No validation issues found when analyzing \(folder.path).\n")
        #expect(controld.standardError.isEmpty)

        let (jsonStatus, json) = try await run(["--output", "json", folder.path])
        #expect(jsonStatus == 0)
        #expect(json.standardOutput == "[]\n")
    }

    @Test("an error exits 1 with one istioctl-style line per finding; -o json prints them as an array")
    func errors() async throws {
        let folder = try Folder([
            "svc.yaml": Self.service, "vs.yaml": Self.virtualService(host: "ratingz"),
            "dr.yaml": "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: x\nspec:\n  host: nowhere\n",
        ])
        let (status, controld) = try await run([folder.path])
        #expect(status == 1)
        let lines = controld.standardOutput.split(separator: "\n").map(String.init)
        #expect(lines == [
            "Warning [IST0174] (DestinationRule default/x \(folder.path)/dr.yaml:1) The host nowhere defined in the DestinationRule does not match any services in the mesh.",
            #"Error [IST0101] (VirtualService default/reviews \#(folder.path)/vs.yaml:1) Referenced host not found: "ratingz""#,
        ])

        let (jsonStatus, json) = try await run(["-o", "json", folder.path])
        #expect(jsonStatus == 1)
        let array = try #require(try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [[String: Any]])
        #expect(array.compactMap { $0["code"] as? String } == ["IST0174", "IST0101"])
        #expect(array.last?["level"] as? String == "Error")
        #expect(array.last?["object"] as? String == "VirtualService default/reviews")
        #expect(array.last?["location"] as? String == "\(folder.path)/vs.yaml:1")
    }

    @Test("warnings alone exit 0; --namespace places objects that name none")
    func warningsAndNamespace() async throws {
        let folder = try Folder([
            "dr.yaml": "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: x\nspec:\n  host: nowhere\n"
        ])
        let (status, controld) = try await run(["--namespace", "shop", folder.path + "/dr.yaml"])
        #expect(status == 0)
        #expect(controld.standardOutput.hasPrefix("Warning [IST0174] (DestinationRule shop/x "))
    }

    @Test("a missing path or a bad flag is one line on stderr and exit 2")
    func usage() async throws {
        let (status, controld) = try await run(["/nonexistent/mesh"])
        #expect(status == 2)
        #expect(controld.standardErrorLines == ["controld: analyze /nonexistent/mesh: no such file or directory"])
        #expect(controld.standardOutput.isEmpty)

        let folder = try Folder(["svc.yaml": Self.service])
        let (badStatus, bad) = try await run(["-o", "xml", folder.path])
        #expect(badStatus == 2)
        #expect(bad.standardErrorLines.count == 1)
    }
}
