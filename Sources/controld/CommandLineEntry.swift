import ArgumentParser
import Daemon
import Foundation

/// Runs a command line and exits, reporting failures as one line on stderr.
///
/// swift-argument-parser would print a usage dump and exit 64 on a bad flag;
/// controld prints `controld: <problem>` and exits 2 for usage errors, 1 for
/// runtime errors, while `--help` still prints help and exits 0.
enum CommandLineEntry {
    static func run(arguments: [String]) async -> Never {
        do {
            var command = try await ControldCommand.asyncParseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            exit(0)
        } catch let error as StartupError {
            fail(error.line, status: error.exitStatus)
        } catch {
            if ControldCommand.exitCode(for: error) == .success {
                ControldCommand.exit(withError: error)  // help or version output
            }
            if let exitCode = error as? ExitCode {
                exit(exitCode.rawValue)
            }
            let message = ControldCommand.message(for: error)
            let firstLine = message.split(separator: "\n").first.map(String.init) ?? "\(error)"
            fail("controld: \(lowercasingFirst(firstLine))", status: isUsage(error) ? 2 : 1)
        }
    }

    /// Errors from parsing the command line, as opposed to from running it.
    private static func isUsage(_ error: any Error) -> Bool {
        ControldCommand.exitCode(for: error) == .validationFailure
    }

    private static func lowercasingFirst(_ text: String) -> String {
        guard let first = text.first, first.isUppercase, text.dropFirst().first?.isUppercase != true else {
            return text
        }
        return first.lowercased() + text.dropFirst()
    }

    private static func fail(_ line: String, status: Int32) -> Never {
        FileHandle.standardError.write(Data((line + "\n").utf8))
        exit(status)
    }
}
