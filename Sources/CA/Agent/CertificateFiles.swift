import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes the credentials into a directory for proxyless gRPC (`--output-dir`):
/// `cert-chain.pem`, `key.pem` (mode 0600) and `root-cert.pem`, the names gRPC's
/// file-watcher certificate provider is usually pointed at.
///
/// Each file is written to a temporary file in the same directory and renamed over
/// the old one, so a reader sees either the old or the new file, never half of one.
/// The key is written after the chain: a watcher that reloads on the chain and
/// finds the old key retries on the next change, which is the key's.
public struct CertificateFiles: Sendable {
    public static let chainFile = "cert-chain.pem"
    public static let keyFile = "key.pem"
    public static let rootFile = "root-cert.pem"

    /// The directory written to.
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    /// Creates the directory if needed and replaces the three files.
    public func write(_ credentials: WorkloadCredentials) throws {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw AgentError(flag: "--output-dir", value: directory, problem: "cannot create the directory", kind: .runtime)
        }
        try Self.writeAtomically(Data(credentials.trustBundlePEM.utf8), to: path(Self.rootFile), mode: 0o644)
        try Self.writeAtomically(Data(credentials.chainPEM.utf8), to: path(Self.chainFile), mode: 0o644)
        try Self.writeAtomically(Data(credentials.keyPEM.utf8), to: path(Self.keyFile), mode: 0o600)
    }

    private func path(_ name: String) -> String {
        (directory as NSString).appendingPathComponent(name)
    }

    /// Writes `data` to a new temporary file created with `mode` (so the key is never
    /// readable by others, not even briefly), syncs it, and renames it to `path`.
    static func writeAtomically(_ data: Data, to path: String, mode: mode_t) throws {
        let temporary = path + ".tmp-\(UInt32.random(in: .min ... .max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw writeError(path, errno) }
        // open's mode is filtered by the umask; set it exactly.
        var failure: Int32 = fchmod(fd, mode) == 0 ? 0 : errno
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: false)
        if failure == 0 {
            do {
                try handle.write(contentsOf: data)
                try handle.synchronize()
            } catch {
                failure = EIO
            }
        }
        close(fd)
        if failure == 0, rename(temporary, path) != 0 { failure = errno }
        if failure != 0 {
            unlink(temporary)
            throw writeError(path, failure)
        }
    }

    private static func writeError(_ path: String, _ code: Int32) -> AgentError {
        AgentError(flag: "--output-dir", value: path, problem: "cannot write (\(String(cString: strerror(code))))", kind: .runtime)
    }
}
