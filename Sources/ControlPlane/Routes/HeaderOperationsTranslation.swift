import Discovery
import XDS

/// A VirtualService `headers` block as Envoy header edits.
///
/// `set` overwrites (OVERWRITE_IF_EXISTS_OR_ADD), `add` appends
/// (APPEND_IF_EXISTS_OR_ADD); each group is sorted by name, `set` first. Envoy may
/// not edit pseudo-headers or `host`, so those are dropped, but a request `:authority`
/// or `host` becomes the route's host rewrite (`set` winning over `add`), as in Istio.
struct HeaderEdits: Equatable {
    var requestHeadersToAdd: [Envoy_Config_Core_V3_HeaderValueOption] = []
    var requestHeadersToRemove: [String] = []
    var responseHeadersToAdd: [Envoy_Config_Core_V3_HeaderValueOption] = []
    var responseHeadersToRemove: [String] = []
    /// The authority the request headers ask for; nil when they name none.
    var authority: String?

    init() {}

    init(_ headers: Headers?) {
        guard let headers else { return }
        let request = headers.request
        let (setOptions, setAuthority) = Self.options(request?.set, append: false)
        let (addOptions, addAuthority) = Self.options(request?.add, append: true)
        requestHeadersToAdd = setOptions + addOptions
        authority = setAuthority ?? addAuthority
        requestHeadersToRemove = (request?.remove ?? []).filter { !Self.isInternal($0) }

        let response = headers.response
        responseHeadersToAdd = Self.options(response?.set, append: false).0 + Self.options(response?.add, append: true).0
        responseHeadersToRemove = (response?.remove ?? []).filter { !Self.isInternal($0) }
    }

    /// Pseudo-headers and `host`, which Envoy's header edits may not touch.
    static func isInternal(_ name: String) -> Bool {
        name.hasPrefix(":") || name.lowercased() == "host"
    }

    private static func isAuthority(_ name: String) -> Bool {
        let lower = name.lowercased()
        return lower == ":authority" || lower == "host"
    }

    private static func options(
        _ headers: [String: String]?, append: Bool
    ) -> ([Envoy_Config_Core_V3_HeaderValueOption], String?) {
        var authority: String?
        var out: [Envoy_Config_Core_V3_HeaderValueOption] = []
        for (name, value) in (headers ?? [:]).sorted(by: { $0.key < $1.key }) {
            if isAuthority(name) { authority = value }
            if isInternal(name) { continue }
            var option = Envoy_Config_Core_V3_HeaderValueOption()
            option.header.key = name
            option.header.value = value
            option.appendAction = append ? .appendIfExistsOrAdd : .overwriteIfExistsOrAdd
            out.append(option)
        }
        return (out, authority)
    }
}
