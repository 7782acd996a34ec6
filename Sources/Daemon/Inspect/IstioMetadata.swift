import SwiftProtobuf
import XDS

/// The Istio config an Envoy resource came from, as istiod records it in
/// `metadata.filter_metadata.istio.config`
/// (`/apis/networking.istio.io/v1/namespaces/NS/destination-rule/NAME`).
enum IstioMetadata {
    /// `NAME.NS` of the recorded config, or "-" when there is none.
    static func configName(_ metadata: Envoy_Config_Core_V3_Metadata) -> String {
        guard case .stringValue(let path)? = metadata.filterMetadata["istio"]?.fields["config"]?.kind else {
            return "-"
        }
        let parts = path.split(separator: "/")
        guard parts.count >= 2, let namespaces = parts.firstIndex(of: "namespaces"), namespaces + 1 < parts.count
        else { return path }
        return "\(parts[parts.count - 1]).\(parts[namespaces + 1])"
    }
}
