import Discovery

/// ServiceEntries visible in the same namespace that declare the same host and port
/// with different protocols (IST0177): the proxy can serve only one. Each
/// ServiceEntry is reported once.
public struct ConflictingServiceEntryProtocolAnalyzer: Analyzer {
    /// The check's name, in the style of Istio's analyzer names.
    public var name: String { "serviceentry.ConflictingServiceEntryProtocolAnalyzer" }

    /// The analyzer; it has no settings.
    public init() {}

    private struct Key: Hashable, Comparable {
        var scope: String
        var host: String
        var port: Int

        static func < (lhs: Key, rhs: Key) -> Bool { (lhs.scope, lhs.host, lhs.port) < (rhs.scope, rhs.host, rhs.port) }
    }

    /// The findings over `context`.
    public func analyze(_ context: AnalysisContext) -> [AnalysisFinding] {
        var index: [Key: [(protocol: String, entry: Located<ServiceEntry>)]] = [:]
        for entry in context.list(ServiceEntry.self) {
            let spec = entry.resource.spec
            for scope in HostMatching.scopes(exportTo: spec.exportTo, namespace: entry.namespace) {
                for host in spec.hosts ?? [] {
                    for port in spec.ports ?? [] {
                        let key = Key(scope: scope, host: host, port: port.number ?? 0)
                        index[key, default: []].append((port.protocol ?? "", entry))
                    }
                }
            }
        }
        var reported: Set<ObjectKey> = []
        var findings: [AnalysisFinding] = []
        for key in index.keys.sorted() {
            var entries = index[key] ?? []
            if key.scope != "*" {
                entries += index[Key(scope: "*", host: key.host, port: key.port)] ?? []
            }
            let protocols = Set(entries.map { $0.protocol.uppercased() })
            guard protocols.count > 1 else { continue }
            let names = Set(entries.map(\.entry.object.fullName)).sorted().joined(separator: ", ")
            let protocolList = protocols.sorted().joined(separator: ", ")
            for (_, entry) in entries where reported.insert(entry.object.key).inserted {
                findings.append(
                    AnalysisFinding(
                        .conflictingServiceEntryProtocol, entry.object,
                        "Multiple ServiceEntries (\(names)) define the same host \(istioQuoted(key.host)) and port "
                            + "\(key.port) with conflicting protocols (\(protocolList))."))
            }
        }
        return findings
    }
}
