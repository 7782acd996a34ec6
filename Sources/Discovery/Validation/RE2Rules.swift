import Foundation

/// Checks a regular expression the way Envoy's RE2 engine would accept it.
///
/// `NSRegularExpression` (ICU) checks the syntax; RE2 accepts less than ICU, so the
/// constructs RE2 lacks (backreferences, lookaround, atomic groups, possessive
/// quantifiers, conditionals, recursion) are looked for separately.
enum RE2Rules {
    /// Why `pattern` is not a valid RE2 expression, or nil.
    static func problem(_ pattern: String) -> String? {
        if let unsupported = unsupportedConstruct(pattern) {
            return "invalid regex \"\(pattern)\": \(unsupported) is not supported by RE2"
        }
        // RE2 spells named groups `(?P<name>…)`, which ICU does not know.
        let icuPattern = pattern.replacingOccurrences(of: "(?P<", with: "(?<")
        do {
            _ = try NSRegularExpression(pattern: icuPattern)
        } catch {
            return "invalid regex \"\(pattern)\": does not compile"
        }
        return nil
    }

    /// The first construct RE2 lacks, named, or nil.
    static func unsupportedConstruct(_ pattern: String) -> String? {
        let chars = Array(pattern)
        var index = 0
        var inClass = false
        func at(_ offset: Int) -> Character? {
            index + offset < chars.count ? chars[index + offset] : nil
        }
        while index < chars.count {
            let char = chars[index]
            if char == "\\" {
                guard let next = at(1) else { return nil }
                if !inClass {
                    if let digit = next.wholeNumberValue, digit > 0 { return "the backreference \\\(next)" }
                    if next == "k", let open = at(2), open == "<" || open == "{" || open == "'" {
                        return "a named backreference"
                    }
                    if next == "G" || next == "Z" { return "\\\(next)" }
                }
                index += 2
                continue
            }
            if inClass {
                if char == "[", at(1) == ":" {
                    // A POSIX class such as [:alpha:] inside a bracket expression.
                    var end = index + 2
                    while end + 1 < chars.count, !(chars[end] == ":" && chars[end + 1] == "]") { end += 1 }
                    index = end + 2
                    continue
                }
                if char == "]" { inClass = false }
                index += 1
                continue
            }
            switch char {
            case "[":
                inClass = true
                index += 1
                // A leading `]` (after an optional `^`) is a literal, not the end.
                if at(0) == "^" { index += 1 }
                if at(0) == "]" { index += 1 }
                continue
            case "(":
                if at(1) == "?" {
                    switch (at(2), at(3)) {
                    case ("=", _), ("!", _): return "lookahead"
                    case ("<", "="), ("<", "!"): return "lookbehind"
                    case (">", _): return "an atomic group"
                    case ("(", _): return "a conditional"
                    case ("R", _), ("&", _), ("P", ">"): return "recursion"
                    case (let c?, _) where c.isNumber || c == "+" || c == "-" && at(3)?.isNumber == true:
                        return "recursion"
                    default: break
                    }
                }
            case "*", "+", "?", "}":
                if at(1) == "+" {
                    // `x++`, `x*+`, `x?+`, `x{2}+`: possessive. `(?+` was handled above.
                    let previous = index > 0 ? chars[index - 1] : nil
                    if char != "?" || (previous != "(" && previous != nil) {
                        return "a possessive quantifier"
                    }
                }
            default: break
            }
            index += 1
        }
        return nil
    }
}
