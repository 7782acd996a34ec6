/// The version of controld, in one place so the CLI, logs and metrics agree.
public enum ControldVersion {
    /// The release version, reported by `controld version` and the build gauges.
    public static let version = "0.1.0"

    /// One line naming the version and what it was built with, e.g.
    /// `controld 0.1.0 (Swift 6.3, Linux x86_64)`.
    public static var buildInfo: String {
        "controld \(version) (Swift \(swiftVersion), \(operatingSystem) \(architecture))"
    }

    /// The compiler version, fixed at build time.
    static var swiftVersion: String {
        #if compiler(>=6.5)
        "6.5+"
        #elseif compiler(>=6.4)
        "6.4"
        #elseif compiler(>=6.3)
        "6.3"
        #elseif compiler(>=6.2)
        "6.2"
        #elseif compiler(>=6.1)
        "6.1"
        #else
        "6.0"
        #endif
    }

    static var operatingSystem: String {
        #if os(Linux)
        "Linux"
        #elseif os(macOS)
        "macOS"
        #else
        "unknown-os"
        #endif
    }

    static var architecture: String {
        #if arch(x86_64)
        "x86_64"
        #elseif arch(arm64)
        "arm64"
        #else
        "unknown-arch"
        #endif
    }
}
