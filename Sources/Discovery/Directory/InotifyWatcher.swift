#if canImport(Glibc)
    import Glibc

    /// Linux inotify on every folder of a tree, read without blocking.
    ///
    /// The descriptor is non-blocking: ``drain()`` returns at once, and the caller
    /// sleeps between calls, so no thread of the cooperative pool ever blocks in read(2).
    /// Owned by one task; not shared.
    final class InotifyWatcher {
        private let descriptor: Int32
        private var watches: [Int32: String] = [:]
        private var watchedPaths: Set<String> = []

        /// What a folder is watched for: anything that can change which files exist
        /// or what they hold.
        private static let mask: UInt32 =
            UInt32(IN_CREATE) | UInt32(IN_DELETE) | UInt32(IN_MODIFY) | UInt32(IN_CLOSE_WRITE)
            | UInt32(IN_MOVED_FROM) | UInt32(IN_MOVED_TO) | UInt32(IN_ATTRIB) | UInt32(IN_DELETE_SELF)
            | UInt32(IN_MOVE_SELF)

        /// Nil when inotify is unavailable (then the source polls).
        init?() {
            let descriptor = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
            guard descriptor >= 0 else { return nil }
            self.descriptor = descriptor
        }

        deinit {
            close(descriptor)
        }

        /// Adds a watch on each of `directories` not yet watched (new subfolders too).
        /// Returns false when a watch could not be added (e.g. the user's limit).
        @discardableResult
        func watch(_ directories: [String]) -> Bool {
            var complete = true
            for directory in directories where !watchedPaths.contains(directory) {
                let wd = inotify_add_watch(descriptor, directory, Self.mask)
                if wd >= 0 {
                    watches[wd] = directory
                    watchedPaths.insert(directory)
                } else {
                    complete = false
                }
            }
            return complete
        }

        /// Reads every pending event; true when there was at least one.
        func drain() -> Bool {
            var sawEvent = false
            let size = 64 * 1024
            let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 8)
            defer { buffer.deallocate() }
            while true {
                let count = read(descriptor, buffer, size)
                guard count > 0 else { break }
                sawEvent = true
                var offset = 0
                while offset + MemoryLayout<inotify_event>.size <= count {
                    let event = buffer.load(fromByteOffset: offset, as: inotify_event.self)
                    if event.mask & UInt32(IN_IGNORED) != 0, let path = watches.removeValue(forKey: event.wd) {
                        // The folder is gone (or was moved): watch it again if it returns.
                        watchedPaths.remove(path)
                    }
                    offset += MemoryLayout<inotify_event>.size + Int(event.len)
                }
            }
            return sawEvent
        }
    }
#endif
