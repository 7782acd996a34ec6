import Foundation
@testable import XDS

/// A resource whose content is `content`: equal content, equal version.
func resource(_ name: String, _ content: String = "v1", type: TypeURL = .cluster) -> XDSResource {
    XDSResource(name: name, typeURL: type, payload: Data("\(name)=\(content)".utf8))
}

/// Numbered nonces, as a server hands them out.
struct Nonces {
    private var next = 0
    mutating func make() -> String {
        next += 1
        return "nonce-\(next)"
    }
}
