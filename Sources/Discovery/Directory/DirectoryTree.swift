import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The config files and folders under a root, with what identifies a file's version.
struct DirectoryTree: Sendable, Equatable {
    /// What changes when a file is written, replaced or renamed over.
    struct FileStamp: Sendable, Hashable {
        var modified: Int64
        var size: Int64
        var inode: UInt64
    }

    static let extensions: Set<String> = ["yaml", "yml", "json"]

    /// Config files by path.
    var files: [String: FileStamp] = [:]
    /// Every folder, the root included (for watching).
    var directories: [String] = []

    /// Walks `root` recursively, skipping hidden entries (`.git`, editors' swap files,
    /// the `..data` folders of mounted ConfigMaps, whose visible links are followed).
    static func scan(root: String) -> DirectoryTree {
        var tree = DirectoryTree()
        tree.directories.append(root)
        // A root that is itself a link (a mounted volume, a checkout) is walked where it
        // points, while locations keep the name the user gave.
        let target = URL(fileURLWithPath: root).resolvingSymlinksInPath().path
        guard let walker = FileManager.default.enumerator(atPath: target) else { return tree }
        while let relative = walker.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            let path = root + "/" + relative
            if name.hasPrefix(".") {
                walker.skipDescendants()
                continue
            }
            guard let info = fileInfo(path) else { continue }
            if info.isDirectory {
                tree.directories.append(path)
            } else if extensions.contains((name as NSString).pathExtension.lowercased()) {
                tree.files[path] = info.stamp
            }
        }
        return tree
    }

    /// `stat(2)` following links: whether a folder, and the file's stamp.
    static func fileInfo(_ path: String) -> (isDirectory: Bool, stamp: FileStamp)? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        let isDirectory = (info.st_mode & S_IFMT) == S_IFDIR
        #if canImport(Darwin)
            let modified = Int64(info.st_mtimespec.tv_sec) * 1_000_000_000 + Int64(info.st_mtimespec.tv_nsec)
        #else
            let modified = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        #endif
        return (isDirectory, FileStamp(modified: modified, size: Int64(info.st_size), inode: UInt64(info.st_ino)))
    }
}
