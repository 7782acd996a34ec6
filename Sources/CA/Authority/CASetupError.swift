/// Why the CA cannot start from its directory: a missing or unreadable file, a key
/// that does not match its certificate, a chain that does not verify.
///
/// The serve command reports it as one line naming `--ca-dir`, e.g.
/// `controld: --ca-dir ./etc/cacerts: ca-key.pem does not match ca-cert.pem`.
public struct CASetupError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, in a few lowercase words, naming the file at fault.
    public var problem: String

    public init(_ problem: String) {
        self.problem = problem
    }

    public var description: String { problem }
}
