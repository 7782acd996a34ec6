import Discovery
import Foundation
import Logging

/// `discovery-bench`: how fast objects from a cluster are decoded and validated, and how
/// much memory the ConfigStore holds per object once they are in.
///
///     discovery-bench [--services 10000] [--slices 10000] [--istio 2000] [--rounds 5]
///
/// Decode + validate is timed per kind group, on objects in the API server's shape, the
/// median of `rounds`. Memory is the growth of resident memory over one `replaceAll` of
/// every object into an empty ConfigStore, the input JSON already made and held
/// throughout, so the growth is what the store keeps (and the allocator's slack).
struct Options {
    var services = 10_000
    var slices = 10_000
    var istio = 2_000
    var namespaces = 100
    var rounds = 5

    init(arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        while let flag = iterator.next() {
            guard let value = iterator.next().flatMap(Int.init), value >= 0 else {
                fatalError("usage: discovery-bench [--services N] [--slices N] [--istio N] [--namespaces N] [--rounds N]")
            }
            switch flag {
            case "--services": services = value
            case "--slices": slices = value
            case "--istio": istio = value
            case "--namespaces": namespaces = max(value, 1)
            case "--rounds": rounds = max(value, 1)
            default: fatalError("unknown flag \(flag)")
            }
        }
    }
}

/// Resident memory of this process, from /proc/self/statm (Linux); 0 elsewhere.
func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
    return pages * 4096
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted[sorted.count / 2]
}

/// Decodes and validates every object; returns the seconds taken and how many were refused.
func decodeAndValidate(_ objects: [RawObject]) -> (seconds: Double, rejected: Int) {
    var rejected = 0
    let clock = ContinuousClock()
    let elapsed = clock.measure {
        for raw in objects {
            do {
                let decoded = try ResourceDecoder.decode(raw)
                if ResourceValidator.validate(decoded.resource).hasErrors { rejected += 1 }
            } catch {
                rejected += 1
            }
        }
    }
    return (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18, rejected)
}

let options = Options(arguments: CommandLine.arguments)

func makeGroups(_ options: Options) -> [(String, [RawObject])] {
    [
        ("Service", SyntheticCluster.services(options.services, namespaces: options.namespaces)),
        ("EndpointSlice", SyntheticCluster.endpointSlices(options.slices, namespaces: options.namespaces)),
        ("Istio (VS, DR, SE, AuthZ)", SyntheticCluster.istio(options.istio, namespaces: options.namespaces)),
    ]
}

var quiet = Logger(label: "bench")
quiet.logLevel = .critical
let input = makeGroups(options).flatMap(\.1)
let kinds = Set(input.map { GroupKind(group: $0.key.group, kind: $0.key.kind) })
let store = ConfigStore(logger: quiet)
let before = residentBytes()
let ingestTime = ContinuousClock().measure {
    store.ingest(.replaceAll(kinds: kinds, objects: input), from: "kubernetes https://10.96.0.1:443")
}
let after = residentBytes()
let ingestSeconds = Double(ingestTime.components.seconds) + Double(ingestTime.components.attoseconds) / 1e18
let snapshot = store.snapshot
print("ConfigStore: \(snapshot.objects.count) objects in force, \(snapshot.rejections.count) rejected")
print(String(format: "one replaceAll of %d objects: %.0f ms (%.0f objects/s)", input.count, ingestSeconds * 1000, Double(input.count) / ingestSeconds))
print(String(format: "resident memory grew %.1f MiB: %.0f bytes per object", Double(after - before) / 1_048_576, Double(after - before) / Double(max(input.count, 1))))
print("")

let groups = makeGroups(options)

print("| objects | count | avg JSON bytes | decode + validate | objects/s | rejected |")
print("| --- | ---: | ---: | ---: | ---: | ---: |")
var totalSeconds = 0.0
var totalCount = 0
for (name, objects) in groups where !objects.isEmpty {
    _ = decodeAndValidate(objects)  // warm-up
    var times: [Double] = []
    var rejected = 0
    for _ in 0..<options.rounds {
        let run = decodeAndValidate(objects)
        times.append(run.seconds)
        rejected = run.rejected
    }
    let seconds = median(times)
    totalSeconds += seconds
    totalCount += objects.count
    let bytes = objects.reduce(0) { $0 + $1.json.count } / objects.count
    print(
        "| \(name) | \(objects.count) | \(bytes) | \(String(format: "%.0f ms", seconds * 1000)) | \(String(format: "%.0f", Double(objects.count) / seconds)) | \(rejected) |"
    )
}
print("| all | \(totalCount) | | \(String(format: "%.0f ms", totalSeconds * 1000)) | \(String(format: "%.0f", Double(totalCount) / totalSeconds)) | |")

withExtendedLifetime((store, input)) {}
