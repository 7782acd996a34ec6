import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writing a file so readers see the old contents or the new, never a torn mix:
/// a temporary file in the same directory, its mode set, then `rename(2)`.
enum AtomicFile {
    static func replace(_ text: String, to path: String, mode: Int) throws(CASetupError) {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp").path
        // Created with its final mode, so a key is never readable by others, not even
        // for the moment between create and chmod.
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL, mode_t(mode))
        guard descriptor >= 0 else {
            throw CASetupError("cannot write \(url.lastPathComponent): \(String(cString: strerror(errno)))")
        }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor)
        close(descriptor)
        guard written == bytes.count, synced == 0, chmod(temporary, mode_t(mode)) == 0,
            rename(temporary, path) == 0
        else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw CASetupError("cannot write \(url.lastPathComponent): \(reason)")
        }
    }
}
