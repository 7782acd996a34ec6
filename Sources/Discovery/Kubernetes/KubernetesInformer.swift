import Logging

/// The list-then-watch loop for one kind, in the manner of client-go's reflector: list
/// (all pages), report the complete state, watch from the list's resourceVersion, follow
/// bookmarks, and list again only when the server says the resourceVersion is gone.
struct KubernetesInformer: Sendable {
    let type: KubernetesResourceType
    let client: KubernetesClient
    let options: KubernetesSourceOptions
    /// Hands a change to the source's consumer, in order.
    let report: @Sendable (KubernetesChange) -> Void

    private var logger: Logger {
        var logger = options.logger
        logger[metadataKey: "resource"] = "\(type)"
        return logger
    }

    /// Runs until the task is cancelled. Nothing here is fatal: a failing server is
    /// retried with backoff, a kind that is not served is reported once and retried slowly.
    func run() async {
        var failures = 0
        var missingReported = false
        while !Task.isCancelled {
            let list: KubernetesList
            do {
                list = try await client.list(type)
            } catch let error as KubernetesAPIError where error.isNotFound {
                if !missingReported {
                    missingReported = true
                    let message =
                        "\(client.connection.server) does not serve \(type) (is the \(type.groupKind) CRD installed?); "
                        + "the other kinds are unaffected, and it is tried again every \(options.missingKindRetryInterval)"
                    logger.warning("\(message)")
                    report(.missing(type.groupKind, message: message))
                }
                guard await pause(options.missingKindRetryInterval) else { return }
                continue
            } catch {
                if Task.isCancelled { return }
                let delay = options.backoff.delay(attempt: failures, random: options.random())
                logger.warning("list failed; retrying in \(delay)", metadata: ["error": "\(error)"])
                failures += 1
                guard await pause(delay) else { return }
                continue
            }
            if missingReported {
                missingReported = false
                logger.info("\(type) is served now")
            }
            report(.listed(type.groupKind, list.objects))
            failures = 0
            guard await watch(from: list.resourceVersion, failures: &failures) else { return }
        }
    }

    /// Watches, reconnecting from the last resourceVersion seen, until a list is needed
    /// (returns true) or the task is cancelled (returns false).
    private func watch(from listed: String, failures: inout Int) async -> Bool {
        var resourceVersion = listed
        while !Task.isCancelled {
            var progressed = false
            do {
                try await client.watch(
                    type, from: resourceVersion, timeoutSeconds: watchTimeout(), idleTimeout: options.watchIdleTimeout
                ) { event in
                    switch event {
                    case .added(let object), .modified(let object):
                        if let version = object.raw.resourceVersion { resourceVersion = version }
                        report(.upserted(object))
                    case .deleted(let object):
                        if let version = object.raw.resourceVersion { resourceVersion = version }
                        report(.deleted(object))
                    case .bookmark(let version):
                        if let version, !version.isEmpty { resourceVersion = version }
                    case .error(let status):
                        throw KubernetesAPIError(status: status, httpStatus: nil, path: type.collectionPath)
                    }
                    progressed = true
                }
                if progressed {
                    // The server ended the watch at its timeout: carry on from where it got to.
                    failures = 0
                    continue
                }
                // Ended at once with nothing in it: back off rather than spin against a broken proxy.
                throw KubernetesProtocolError(description: "the watch ended without any event")
            } catch let error as KubernetesWatchIdleError {
                // Not a failure of the server: open a fresh connection at once, from where it got to.
                logger.info(
                    "watch silent; reconnecting from resourceVersion \(resourceVersion)",
                    metadata: ["error": "\(error)"])
                failures = 0
                continue
            } catch let error as KubernetesAPIError where error.isGone {
                logger.info(
                    "resourceVersion \(resourceVersion) is too old; listing again",
                    metadata: ["error": "\(error)"])
                return true
            } catch let error as KubernetesAPIError where error.isNotFound {
                // The CRD went away: the list reports it.
                logger.info("the watch found nothing to watch; listing again", metadata: ["error": "\(error)"])
                return true
            } catch {
                if Task.isCancelled { return false }
                if progressed { failures = 0 }
                let delay = options.backoff.delay(attempt: failures, random: options.random())
                failures += 1
                logger.info(
                    "watch ended; reconnecting from resourceVersion \(resourceVersion) in \(delay)",
                    metadata: ["error": "\(error)"])
                guard await pause(delay) else { return false }
            }
        }
        return false
    }

    private func watchTimeout() -> Int {
        let range = options.watchTimeoutSeconds
        let offset = Int(Double(range.count) * min(max(options.random(), 0), 0.999_999))
        return range.lowerBound + offset
    }

    /// Sleeps; false when cancelled.
    private func pause(_ delay: Duration) async -> Bool {
        do {
            try await options.sleep(delay)
        } catch {
            return false
        }
        return !Task.isCancelled
    }
}
