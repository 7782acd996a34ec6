import Foundation

/// Checks the `--config-dir` directories before serving, so a typo fails fast
/// with one line instead of a server that never becomes ready.
public enum ConfigDirectories {
    /// The flag the directories come from.
    public static let flag = "--config-dir"

    /// The directories to scan: those given, each checked to be a readable
    /// directory; with none given, `./mesh` when it is a directory, else none.
    public static func resolve(_ given: [String]) throws(StartupError) -> [String] {
        guard !given.isEmpty else {
            return isDirectory(ServeConfiguration.defaultConfigDirectory)
                ? [ServeConfiguration.defaultConfigDirectory] : []
        }
        for directory in given {
            if let problem = problem(with: directory) {
                throw StartupError(flag: flag, value: directory, problem: problem, kind: .runtime)
            }
        }
        return given
    }

    /// Why `path` cannot serve as a config directory, or nil when it can.
    static func problem(with path: String) -> String? {
        var directory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &directory) else {
            return "no such directory"
        }
        guard directory.boolValue else { return "not a directory" }
        guard FileManager.default.isReadableFile(atPath: path),
            FileManager.default.isExecutableFile(atPath: path)
        else { return "permission denied" }
        return nil
    }

    private static func isDirectory(_ path: String) -> Bool {
        var directory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &directory) && directory.boolValue
    }
}
