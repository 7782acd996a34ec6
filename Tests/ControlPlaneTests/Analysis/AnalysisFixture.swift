import ControlPlane
import Foundation

/// YAML written to a fresh folder and loaded through the real read, decode and
/// validation path, as `controld analyze` loads it.
struct AnalysisFixture {
    let directory: URL

    /// Writes each `(file name, YAML)` pair into a new temporary folder.
    init(_ files: [(String, String)]) throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("controld-analyze-\(UUID().uuidString)", isDirectory: true)
        for (name, text) in files {
            let url = directory.appendingPathComponent(name)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
    }

    /// One file, `mesh.yaml`.
    init(_ yaml: String) throws {
        try self.init([("mesh.yaml", yaml)])
    }

    /// The path of `name` inside the folder.
    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// The loaded folder.
    func input(defaultNamespace: String = "default") throws -> AnalysisInput {
        try AnalysisInput.load(paths: [directory.path], defaultNamespace: defaultNamespace)
    }

    /// The findings of `analyzer` alone over the folder.
    func findings(_ analyzer: any Analyzer, clusterDomain: String = "cluster.local") throws -> [AnalysisFinding] {
        let context = AnalysisContext(input: try input(), clusterDomain: clusterDomain)
        return MeshAnalysis.run(context, analyzers: [analyzer])
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }
}

extension Array where Element == AnalysisFinding {
    /// `CODE Kind ns/name` for each finding: what most tests compare.
    var summaries: [String] { map { "\($0.type.code) \($0.object?.description ?? "-")" } }
}

/// Objects several tests share.
enum AnalysisYAML {
    static let reviewsService = """
        apiVersion: v1
        kind: Service
        metadata:
          name: reviews
          namespace: default
        spec:
          selector:
            app: reviews
          ports:
          - name: http
            port: 9080
        """

    static func reviewsPod(_ name: String, version: String, namespace: String = "default") -> String {
        """
        apiVersion: v1
        kind: Pod
        metadata:
          name: \(name)
          namespace: \(namespace)
          labels:
            app: reviews
            version: \(version)
        spec:
          containers:
          - name: app
            image: reviews
        """
    }
}
