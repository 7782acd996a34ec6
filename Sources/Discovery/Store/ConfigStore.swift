import Foundation
public import Logging
public import Metrics
import Synchronization

/// Holds every object the sources deliver, typed and validated, keyed by
/// ``ObjectKey``: the one place the rest of controld reads the mesh from.
///
/// Sources call ``ingest(_:from:)``; consumers take a ``snapshot`` (immutable) and
/// follow ``events()``. An invalid object is rejected; if it replaces an accepted
/// one, the accepted one stays in force and the rejection is recorded beside it.
/// Decoding happens outside the lock; applying a change is a short critical section,
/// so a `Mutex` suffices and ingestion stays synchronous and cheap.
public final class ConfigStore: Sendable {
    private struct State {
        var snapshot = ConfigSnapshot()
        var subscribers: [UUID: AsyncStream<ConfigEvent>.Continuation] = [:]
    }

    private let state = Mutex(State())
    private let metrics: ConfigStoreMetrics
    private let logger: Logger

    /// A store reporting to `metricsFactory` (tests pass `TestMetrics`) and logging
    /// rejections to `logger`.
    public init(
        metricsFactory: any MetricsFactory = MetricsSystem.factory,
        logger: Logger = Logger(label: "config")
    ) {
        self.metrics = ConfigStoreMetrics(factory: metricsFactory)
        self.logger = logger
    }

    /// The current state.
    public var snapshot: ConfigSnapshot {
        state.withLock { $0.snapshot }
    }

    /// Changes to accepted objects from now on, in order, until the stream is dropped.
    public func events() -> AsyncStream<ConfigEvent> {
        let (stream, continuation) = AsyncStream<ConfigEvent>.makeStream()
        let id = UUID()
        state.withLock { $0.subscribers[id] = continuation }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.subscribers.removeValue(forKey: id) }
        }
        return stream
    }

    /// Applies one event from the source named `source`; returns the changes it made
    /// to the accepted objects (also sent to ``events()`` subscribers).
    @discardableResult
    public func ingest(_ event: SourceEvent, from source: String) -> [ConfigEvent] {
        switch event {
        case .replaceAll(let kinds, let objects):
            let candidates = objects.map { Candidate(raw: $0, source: source) }
            return apply(source: source) { state, changes in
                var present: Set<ObjectKey> = []
                for candidate in candidates {
                    present.insert(candidate.raw.key)
                    Self.upsert(candidate, into: &state, changes: &changes)
                }
                let inKinds = { (key: ObjectKey) in kinds.contains(GroupKind(group: key.group, kind: key.kind)) }
                for (key, object) in state.objects where object.source == source && inKinds(key) && !present.contains(key) {
                    Self.remove(key, from: &state, changes: &changes)
                    _ = object
                }
                for (key, rejection) in state.rejections where rejection.source == source && inKinds(key) && !present.contains(key) {
                    state.rejections[key] = nil
                }
                for (key, location) in state.ignored where inKinds(key) && !present.contains(key) {
                    _ = location
                    state.ignored[key] = nil
                }
                for (location, input) in state.unreadable where input.source == source {
                    state.unreadable[location] = nil
                }
            }
        case .upsert(let raw):
            let candidate = Candidate(raw: raw, source: source)
            return apply(source: source) { state, changes in
                Self.clearUnreadable(at: raw.location, in: &state)
                Self.upsert(candidate, into: &state, changes: &changes)
            }
        case .delete(let key, let location):
            return apply(source: source) { state, changes in
                Self.clearUnreadable(at: location, in: &state)
                state.rejections[key] = nil
                state.ignored[key] = nil
                Self.remove(key, from: &state, changes: &changes)
            }
        case .unreadable(let location, let message):
            logger.warning("\(location): \(message)")
            return apply(source: source) { state, _ in
                state.unreadable[location] = UnreadableInput(location: location, source: source, message: message)
            }
        }
    }

    /// A raw object decoded and validated, ready to apply (done outside the lock).
    private struct Candidate {
        var raw: RawObject
        var source: String
        var outcome: Outcome

        enum Outcome {
            case accepted(StoredObject)
            case rejected(Rejection)
            case ignored
        }

        init(raw: RawObject, source: String) {
            self.raw = raw
            self.source = source
            do {
                let decoded = try ResourceDecoder.decode(raw)
                let findings = ResourceValidator.validate(decoded.resource)
                let unknown = decoded.unknownFields.map { Finding(.warning, path: $0, message: "unknown field") }
                if findings.hasErrors {
                    outcome = .rejected(
                        Rejection(
                            key: raw.key, apiVersion: raw.apiVersion, resourceVersion: raw.resourceVersion,
                            location: raw.location, source: source, findings: findings.errors + findings.warnings + unknown))
                } else {
                    outcome = .accepted(
                        StoredObject(
                            key: raw.key, apiVersion: raw.apiVersion, resourceVersion: raw.resourceVersion,
                            location: raw.location, source: source, resource: decoded.resource,
                            warnings: unknown + findings.warnings))
                }
            } catch .unsupportedKind {
                outcome = .ignored
            } catch {
                outcome = .rejected(
                    Rejection(
                        key: raw.key, apiVersion: raw.apiVersion, resourceVersion: raw.resourceVersion,
                        location: raw.location, source: source,
                        findings: [Self.finding(error)]))
            }
        }

        static func finding(_ failure: DecodeFailure) -> Finding {
            switch failure {
            case .schema(let path, let message): Finding(.error, path: path, message: message)
            default: Finding(.error, path: "", message: failure.description)
            }
        }
    }

    /// Records what `candidate` brings; appends to `changes` when accepted objects change.
    private static func upsert(_ candidate: Candidate, into state: inout ConfigSnapshot, changes: inout [Change]) {
        let key = candidate.raw.key
        switch candidate.outcome {
        case .accepted(let object):
            state.rejections[key] = nil
            state.ignored[key] = nil
            if let old = state.objects[key] {
                state.objects[key] = object
                if !object.hasSameContent(as: old) { changes.append(.update(old: old, new: object)) }
            } else {
                state.objects[key] = object
                changes.append(.add(object))
            }
        case .rejected(let rejection):
            state.rejections[key] = rejection
            changes.append(.rejected(rejection))
        case .ignored:
            state.ignored[key] = candidate.raw.location
        }
    }

    private static func remove(_ key: ObjectKey, from state: inout ConfigSnapshot, changes: inout [Change]) {
        if let old = state.objects.removeValue(forKey: key) {
            changes.append(.delete(old))
        }
    }

    private static func clearUnreadable(at location: SourceLocation, in state: inout ConfigSnapshot) {
        guard case .file(let path, _, _) = location else { return }
        for existing in state.unreadable.keys {
            if case .file(let other, _, _) = existing, other == path { state.unreadable[existing] = nil }
        }
    }

    /// What one ingestion did, before it becomes events and metrics.
    private enum Change {
        case add(StoredObject)
        case update(old: StoredObject, new: StoredObject)
        case delete(StoredObject)
        case rejected(Rejection)
    }

    /// Runs `body` under the lock, then reports the changes it made.
    private func apply(
        source: String, _ body: (inout ConfigSnapshot, inout [Change]) -> Void
    ) -> [ConfigEvent] {
        let (events, rejections) = state.withLock { state -> ([ConfigEvent], [Rejection]) in
            var changes: [Change] = []
            body(&state.snapshot, &changes)
            var events: [ConfigEvent] = []
            var rejections: [Rejection] = []
            let version = state.snapshot.version + 1
            for change in changes {
                switch change {
                case .add(let object):
                    events.append(ConfigEvent(kind: .add, key: object.key, old: nil, new: object, version: version))
                case .update(let old, let new):
                    events.append(ConfigEvent(kind: .update, key: new.key, old: old, new: new, version: version))
                case .delete(let old):
                    events.append(ConfigEvent(kind: .delete, key: old.key, old: old, new: nil, version: version))
                case .rejected(let rejection):
                    rejections.append(rejection)
                }
            }
            if !events.isEmpty || !changes.isEmpty { state.snapshot.version = version }
            // Yielded under the lock so every subscriber sees events in version order.
            for continuation in state.subscribers.values {
                for event in events { continuation.yield(event) }
            }
            return (events, rejections)
        }
        for event in events { metrics.recordEvent(event) }
        for rejection in rejections {
            metrics.recordRejection(rejection)
            for message in rejection.messages {
                logger.warning("\(rejection.location): rejected \(message)")
            }
        }
        return events
    }
}
