import Foundation

/// What the directory source knows of its files, and the events that bring a store
/// from the last state to the current one. Pure: the caller does the I/O.
struct DirectoryState: Sendable {
    private struct FileState: Sendable {
        var stamp: DirectoryTree.FileStamp
        var data: Data
        /// The objects of the last successful read; kept while the file is broken.
        var objects: [RawObject] = []
        var failure: ParseFailure?
    }

    private var files: [String: FileState] = [:]
    /// Bumped on every file content change; a changed file's objects carry it as
    /// their resourceVersion.
    private var generation = 0
    /// The objects last reported, by key.
    private var reported: [ObjectKey: RawObject] = [:]

    /// Kinds a `replaceAll` from this source covers: every kind it could hold.
    static var kinds: Set<GroupKind> { ResourceKinds.groupKinds }

    /// The first complete state: a `replaceAll`, then what could not be read.
    mutating func initial(tree: DirectoryTree, read: (String) -> Data?) -> [SourceEvent] {
        var notes: [SourceEvent] = []
        for path in tree.files.keys.sorted() {
            if let note = load(path: path, stamp: tree.files[path]!, read: read) { notes += note }
        }
        reported = currentObjects(notes: &notes)
        let objects = reported.values.sorted { $0.key < $1.key }
        let kinds = Self.kinds.union(objects.map { GroupKind(group: $0.key.group, kind: $0.key.kind) })
        return [.replaceAll(kinds: kinds, objects: objects)] + notes
    }

    /// The events since the last call, after re-reading files whose stamp changed.
    mutating func refresh(tree: DirectoryTree, read: (String) -> Data?) -> [SourceEvent] {
        var notes: [SourceEvent] = []
        var recovered: Set<String> = []
        for path in tree.files.keys.sorted() {
            let stamp = tree.files[path]!
            if let existing = files[path], existing.stamp == stamp { continue }
            let wasBroken = files[path]?.failure != nil
            if let note = load(path: path, stamp: stamp, read: read) { notes += note }
            if wasBroken, files[path]?.failure == nil { recovered.insert(path) }
        }
        for path in files.keys where tree.files[path] == nil {
            files[path] = nil
        }
        let current = currentObjects(notes: &notes)
        var events: [SourceEvent] = []
        for (key, old) in reported.sorted(by: { $0.key < $1.key }) where current[key] == nil {
            events.append(.delete(key, location: old.location))
        }
        var next: [ObjectKey: RawObject] = [:]
        for (key, object) in current.sorted(by: { $0.key < $1.key }) {
            if let old = reported[key], old.json == object.json, old.location == object.location {
                next[key] = old
                if case .file(let path, _, _) = object.location, recovered.contains(path) {
                    events.append(.upsert(old))  // says the file reads again; content unchanged
                }
            } else {
                next[key] = object
                events.append(.upsert(object))
            }
        }
        reported = next
        return events + notes
    }

    /// Reads `path` if its content changed; returns what to report about it.
    private mutating func load(path: String, stamp: DirectoryTree.FileStamp, read: (String) -> Data?) -> [SourceEvent]? {
        guard let data = read(path) else { return nil }  // gone meanwhile: the next scan sees it
        if var existing = files[path], existing.data == data {
            existing.stamp = stamp
            files[path] = existing
            return nil
        }
        generation += 1
        var state = files[path] ?? FileState(stamp: stamp, data: data)
        state.stamp = stamp
        state.data = data
        do {
            let file = try ConfigFile.read(path: path, data: data, generation: generation)
            state.objects = file.objects
            state.failure = nil
            files[path] = state
            return file.problems.map { .unreadable(location: $0.location, message: $0.message) }
        } catch {
            // A half-written file: report it, keep its last good objects in force.
            state.failure = error
            files[path] = state
            return [.unreadable(location: .file(path: path, line: error.line, column: error.column), message: error.message)]
        }
    }

    /// Every file's objects by key; a key defined twice keeps its first definition
    /// (in path order) and the other is reported.
    private func currentObjects(notes: inout [SourceEvent]) -> [ObjectKey: RawObject] {
        var objects: [ObjectKey: RawObject] = [:]
        for path in files.keys.sorted() {
            for object in files[path]!.objects {
                if let first = objects[object.key] {
                    notes.append(.unreadable(location: object.location, message: "\(object.key) is already defined at \(first.location)"))
                } else {
                    objects[object.key] = object
                }
            }
        }
        return objects
    }
}
