import Foundation

/// Finds the built `controld` executable: `$CONTROLD_BIN`, else next to the
/// running test binary (SwiftPM puts products and test bundles in one directory).
enum ControldBinary {
    struct NotFound: Error, CustomStringConvertible {
        var searched: [String]
        var description: String { "controld binary not found; looked at \(searched); set CONTROLD_BIN" }
    }

    static func url() throws -> URL {
        var candidates: [String] = []
        if let override = ProcessInfo.processInfo.environment["CONTROLD_BIN"], !override.isEmpty {
            candidates.append(override)
        }
        let running = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        candidates.append(running.deletingLastPathComponent().appendingPathComponent("controld").path)
        // On macOS the tests run inside an .xctest bundle loaded by a helper.
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            candidates.append(
                bundle.bundleURL.deletingLastPathComponent().appendingPathComponent("controld").path)
        }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw NotFound(searched: candidates)
        }
        return URL(fileURLWithPath: found)
    }
}
