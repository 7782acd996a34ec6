import Foundation

/// Inline key sets for jwt_authn. Envoy refuses a whole listener whose inline JWKS
/// has no usable key, so a key set that would be refused (or a rule with no key
/// source at all) is replaced by ``unmatchable``: the listener loads and tokens of
/// that issuer fail verification (401), while requests without a token still pass.
enum InlineJWKS {
    /// One RSA public key whose private half was discarded when it was made, so no
    /// token ever verifies against it (the role istiod's fake JWKS plays).
    static let unmatchable = #"{"keys":[{"kty":"RSA","e":"AQAB","kid":"controld-unmatchable","n":"0lbpuxWK35VC3UCaGosVWX8bv9KbYPhRgDx6OS4n_hWlA-7wYRLGJTBgxjihHt-1NutblArmeLrPXxfmL7Q98zXzrUQ3mHqEaDLWT_wTxvAGCka4b73nhtu3LUh-21bl28xwCpiJAQZkmWTCMDnU-2D0rUR9HGWYgGsPpmr0AhjOP5HcjcqBtBZsL_9apsZ66b1zGjiO9aK0S1iAXbrUV6XI4zAId6BfNgZUIgBlJ3oDwUlAwjh-zvHPCjO3-KvLuGOwu1Zwp1ZMl4B87dRibph5Vm8smKYI-8ETbDAhXDXC-fAY99PAtqZrs2jgP42iuL4mA_gSXxVWvvUsTvGK8Q"}]}"#

    /// `text` when Envoy can load a key from it, else ``unmatchable``.
    static func loadable(_ text: String) -> String {
        isLoadable(text) ? text : unmatchable
    }

    /// A PEM public key, or a JSON key set with at least one key carrying the
    /// members its type needs, in base64url.
    static func isLoadable(_ text: String) -> Bool {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("-----BEGIN") { return true }
        guard let object = try? JSONSerialization.jsonObject(with: Data(trimmed.utf8)) as? [String: Any],
            let keys = object["keys"] as? [[String: Any]]
        else { return false }
        return keys.contains { key in
            let required: [String] =
                switch key["kty"] as? String {
                case "RSA": ["n", "e"]
                case "EC": ["crv", "x", "y"]
                case "oct": ["k"]
                case "OKP": ["crv", "x"]
                default: []
                }
            return !required.isEmpty && required.allSatisfy { name in
                guard let value = key[name] as? String, !value.isEmpty else { return false }
                return name == "crv" || value.allSatisfy { $0.isLetter && $0.isASCII || $0.isNumber && $0.isASCII || $0 == "-" || $0 == "_" }
            }
        }
    }
}
