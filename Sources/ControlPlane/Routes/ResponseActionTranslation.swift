import Discovery
import Foundation
import XDS

/// The answering half of an HTTP route: `redirect` and `directResponse`, which the
/// proxy answers itself without forwarding.
enum ResponseActionTranslation {
    /// `redirect` as Envoy's `RedirectAction`.
    ///
    /// `prefixRewrite` replaces the matched prefix, else `uri` the whole path;
    /// `authority` the host; `scheme` the scheme. `port` is used as given and
    /// `derivePort: FROM_REQUEST_PORT` as the listener port (Envoy cannot read the
    /// request's port, but the routes are built per port); the port is left out
    /// when it is the scheme's default (80 for http, 443 for https).
    static func redirect(
        _ redirect: VirtualServiceSpec.HTTPRedirect, listenerPort: Int, listenerIsTLS: Bool
    ) throws -> Envoy_Config_Route_V3_RedirectAction {
        var out = Envoy_Config_Route_V3_RedirectAction()
        out.hostRedirect = redirect.authority ?? ""
        if let prefix = redirect.prefixRewrite, !prefix.isEmpty {
            out.prefixRewrite = prefix
        } else {
            out.pathRedirect = redirect.uri ?? ""
        }
        if let scheme = redirect.scheme, !scheme.isEmpty {
            out.schemeRedirect = scheme
        }
        if redirect.port != nil || redirect.derivePort != nil {
            if let port = redirect.port {
                out.portRedirect = UInt32(clamping: port)
            } else if redirect.derivePort == .fromRequestPort {
                out.portRedirect = UInt32(clamping: listenerPort)
            }
            let scheme = redirect.scheme.flatMap { $0.isEmpty ? nil : $0 } ?? (listenerIsTLS ? "https" : "http")
            if (out.portRedirect == 80 && scheme == "http") || (out.portRedirect == 443 && scheme == "https") {
                out.portRedirect = 0
            }
        }
        switch redirect.redirectCode ?? 0 {
        case 0, 301: out.responseCode = .movedPermanently
        case 302: out.responseCode = .found
        case 303: out.responseCode = .seeOther
        case 307: out.responseCode = .temporaryRedirect
        case 308: out.responseCode = .permanentRedirect
        case let code:
            throw PerFilterConfigTranslation.Invalid(reason: "redirect.redirectCode \(code) is not a redirect status Envoy can send")
        }
        return out
    }

    /// `directResponse` as Envoy's `DirectResponseAction`: the status, and the body
    /// as inline text (`body.string`) or bytes (`body.bytes`, base64 in YAML).
    static func directResponse(
        _ response: VirtualServiceSpec.HTTPDirectResponse
    ) throws -> Envoy_Config_Route_V3_DirectResponseAction {
        var out = Envoy_Config_Route_V3_DirectResponseAction()
        out.status = UInt32(clamping: response.status)
        if let body = response.body {
            if let text = body.string {
                out.body.inlineString = text
            } else if let encoded = body.bytes {
                guard let bytes = Data(base64Encoded: encoded) else {
                    throw PerFilterConfigTranslation.Invalid(reason: "directResponse.body.bytes is not base64")
                }
                out.body.inlineBytes = bytes
            }
        }
        return out
    }
}
