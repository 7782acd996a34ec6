public import ControlPlane
import Discovery

extension PushController.Settings {
    /// Parses the translation flags, throwing a usage error naming the first bad one:
    /// `--mesh-config` (a MeshConfig YAML file), `--debounce-after` and
    /// `--debounce-max` (Go durations, as istiod's PILOT_DEBOUNCE_* take),
    /// `--cluster-domain`, and the trust domain shared with the CA.
    public init(
        meshConfigFile: String?, debounceAfter quietText: String, debounceMax maximumText: String, clusterDomain: String,
        trustDomain: String
    ) throws(StartupError) {
        self.init()
        func duration(_ flag: String, _ text: String) throws(StartupError) -> Duration {
            guard let parsed = ConfigDuration(text), parsed.duration > .zero else {
                throw StartupError(flag: flag, value: text, problem: "expected a positive duration such as 100ms or 10s", kind: .usage)
            }
            return parsed.duration
        }
        debounceAfter = try duration("--debounce-after", quietText)
        debounceMax = try duration("--debounce-max", maximumText)
        guard debounceAfter <= debounceMax else {
            throw StartupError(flag: "--debounce-after", value: quietText, problem: "longer than --debounce-max \(maximumText)", kind: .usage)
        }
        guard !clusterDomain.isEmpty, !clusterDomain.contains("/") else {
            throw StartupError(flag: "--cluster-domain", value: clusterDomain, problem: "expected a domain such as cluster.local", kind: .usage)
        }
        self.clusterDomain = clusterDomain
        if let meshConfigFile {
            do {
                mesh = try MeshConfig.load(path: meshConfigFile)
            } catch {
                throw StartupError(flag: "--mesh-config", value: meshConfigFile, problem: error.description, kind: .usage)
            }
        }
        if mesh.trustDomain == nil { mesh.trustDomain = trustDomain }
    }
}
