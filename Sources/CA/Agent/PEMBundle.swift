public import Foundation
public import X509
import SwiftASN1

/// Reading and writing lists of PEM certificates (chains and trust bundles).
public enum PEMBundle {
    /// Every certificate in `text`, in order; throws on anything that is not a
    /// well-formed certificate, so a truncated file is noticed rather than half-used.
    public static func certificates(in text: String) throws -> [Certificate] {
        let documents = try PEMDocument.parseMultiple(pemString: text)
        return try documents.map { try Certificate(pemDocument: $0) }
    }

    /// The certificates in the file at `path`.
    public static func certificates(atPath path: String) throws -> [Certificate] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return try certificates(in: String(decoding: data, as: UTF8.self))
    }

    /// `certificates` as concatenated PEM blocks, each ending with a newline.
    public static func pem(_ certificates: [Certificate]) throws -> String {
        try certificates.map { try $0.serializeAsPEM().pemString + "\n" }.joined()
    }

    /// `certificates` without repeats, first occurrence kept.
    public static func unique(_ certificates: [Certificate]) -> [Certificate] {
        var seen: Set<Certificate> = []
        return certificates.filter { seen.insert($0).inserted }
    }
}
