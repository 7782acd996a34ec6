import Discovery
import Foundation
import Logging

/// What `controld analyze` analyzes: the objects of some files and folders, loaded
/// once through the same decoding and validation the serve process uses.
public struct AnalysisInput: Sendable {
    /// Accepted objects, rejections and unreadable inputs.
    public var snapshot: ConfigSnapshot
    /// Objects defined more than once (the first definition, in path order, is used).
    public var duplicates: [(object: ObjectKey, location: SourceLocation, first: SourceLocation)]

    /// Why the input could not be loaded at all.
    public enum LoadError: Error, Sendable, Equatable {
        /// A path that names no file or folder.
        case noSuchPath(String)
    }

    /// The config files `paths` name: files as given, folders walked recursively for
    /// `.yaml`, `.yml` and `.json` files (hidden entries skipped), in path order.
    public static func files(in paths: [String]) throws(LoadError) -> [String] {
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw .noSuchPath(path)
            }
            if !isDirectory.boolValue {
                files.append(path)
                continue
            }
            var root = path
            while root.count > 1, root.hasSuffix("/") { root.removeLast() }
            var found: [String] = []
            let walker = FileManager.default.enumerator(atPath: root)
            while let relative = walker?.nextObject() as? String {
                let name = (relative as NSString).lastPathComponent
                if name.hasPrefix(".") {
                    walker?.skipDescendants()
                    continue
                }
                let extensionName = (name as NSString).pathExtension.lowercased()
                guard ["yaml", "yml", "json"].contains(extensionName) else { continue }
                let full = root + "/" + relative
                var isFolder: ObjCBool = false
                if FileManager.default.fileExists(atPath: full, isDirectory: &isFolder), !isFolder.boolValue {
                    found.append(full)
                }
            }
            files += found.sorted()
        }
        return files
    }

    /// Loads `paths`; objects without a namespace are put in `defaultNamespace`.
    public static func load(paths: [String], defaultNamespace: String = "default") throws(LoadError) -> AnalysisInput {
        let files = try files(in: paths)
        var objects: [RawObject] = []
        var firstLocation: [ObjectKey: SourceLocation] = [:]
        var duplicates: [(object: ObjectKey, location: SourceLocation, first: SourceLocation)] = []
        var problems: [SourceEvent] = []
        var seenFiles: Set<String> = []
        for file in files where seenFiles.insert(file).inserted {
            guard let data = FileManager.default.contents(atPath: file) else {
                problems.append(.unreadable(location: .file(path: file, line: 1, column: 1), message: "cannot be read"))
                continue
            }
            let contents = ConfigFileReader.read(path: file, data: data, defaultNamespace: defaultNamespace)
            for object in contents.objects {
                if let first = firstLocation[object.key] {
                    duplicates.append((object.key, object.location, first))
                } else {
                    firstLocation[object.key] = object.location
                    objects.append(object)
                }
            }
            problems += contents.problems.map { SourceEvent.unreadable(location: $0.location, message: $0.message) }
        }
        let store = ConfigStore(logger: Logger(label: "analyze", factory: { _ in SwiftLogNoOpLogHandler() }))
        let kinds = ResourceKinds.groupKinds.union(objects.map { GroupKind(group: $0.key.group, kind: $0.key.kind) })
        store.ingest(.replaceAll(kinds: kinds, objects: objects), from: "analyze")
        for problem in problems { store.ingest(problem, from: "analyze") }
        return AnalysisInput(snapshot: store.snapshot, duplicates: duplicates)
    }

    /// An input holding `snapshot` (tests build one from a store directly).
    public init(
        snapshot: ConfigSnapshot, duplicates: [(object: ObjectKey, location: SourceLocation, first: SourceLocation)] = []
    ) {
        self.snapshot = snapshot
        self.duplicates = duplicates
    }
}
