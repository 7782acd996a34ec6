/// Field paths the way messages write them: `spec.http[0].route`.
public enum FieldPath {
    /// `codingPath` as `a.b[0].c`.
    public static func render(_ codingPath: [any CodingKey]) -> String {
        var path = ""
        for key in codingPath {
            if let index = key.intValue {
                path += "[\(index)]"
            } else {
                path += path.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return path
    }
}

extension String {
    /// This path followed by the field `name`.
    func dot(_ name: String) -> String { isEmpty ? name : "\(self).\(name)" }
    /// This path followed by the index `index`.
    func at(_ index: Int) -> String { "\(self)[\(index)]" }
    /// This path followed by the map key `key` (quoted when it is not a plain name).
    func key(_ key: String) -> String {
        key.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" } ? dot(key) : "\(self)[\"\(key)\"]"
    }
}
