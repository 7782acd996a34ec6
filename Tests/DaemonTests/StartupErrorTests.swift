import Logging
import Testing

@testable import Daemon

@Suite("Flag values and their one-line errors")
struct StartupErrorTests {
    private func usageLine(_ body: () throws(StartupError) -> Void) -> String? {
        do {
            try body()
            return nil
        } catch {
            #expect(error.exitStatus == 2)
            return error.line
        }
    }

    @Test("a good configuration parses")
    func goodValues() throws {
        let configuration = try ServeConfiguration(
            monitoringAddress: "127.0.0.1:0", configDirectories: ["a", "b"], logLevel: "debug", logFormat: "json")
        #expect(configuration.monitoringAddress == HostPort(host: "127.0.0.1", port: 0))
        #expect(configuration.configDirectories == ["a", "b"])
        #expect(configuration.logLevel == .debug)
        #expect(configuration.logFormat == .json)
    }

    @Test(
        "host:port forms",
        arguments: [
            ("0.0.0.0:15014", "0.0.0.0", 15014),
            (":15014", "0.0.0.0", 15014),
            ("[::1]:8080", "::1", 8080),
            ("localhost:0", "localhost", 0),
        ])
    func hostPortForms(text: String, host: String, port: Int) throws {
        let parsed = try HostPort(parsing: text, flag: "--monitoring-addr")
        #expect(parsed == HostPort(host: host, port: port))
    }

    @Test(
        "bad --monitoring-addr values",
        arguments: [
            ("15014", "controld: --monitoring-addr 15014: expected host:port"),
            ("0.0.0.0:http", "controld: --monitoring-addr 0.0.0.0:http: port must be a number from 0 to 65535"),
            ("0.0.0.0:70000", "controld: --monitoring-addr 0.0.0.0:70000: port must be a number from 0 to 65535"),
            ("0.0.0.0:", "controld: --monitoring-addr 0.0.0.0:: port must be a number from 0 to 65535"),
            ("::1:80", "controld: --monitoring-addr ::1:80: IPv6 addresses need brackets, as in [::1]:15014"),
        ])
    func badAddress(text: String, line: String) {
        #expect(usageLine { () throws(StartupError) in _ = try HostPort(parsing: text, flag: "--monitoring-addr") } == line)
    }

    @Test("bad --log-level and --log-format values")
    func badLogging() {
        #expect(
            usageLine { () throws(StartupError) in _ = try Logger.Level(parsing: "loud") }
                == "controld: --log-level loud: expected one of trace, debug, info, notice, warning, error, critical")
        #expect(
            usageLine { () throws(StartupError) in _ = try LogFormat(parsing: "xml") }
                == "controld: --log-format xml: expected text or json")
    }

    @Test("the first bad flag of a serve command line is reported")
    func serveConfiguration() {
        #expect(
            usageLine { () throws(StartupError) in
                _ = try ServeConfiguration(
                    monitoringAddress: "127.0.0.1:1", configDirectories: [], logLevel: "verbose", logFormat: "text")
            } == "controld: --log-level verbose: expected one of trace, debug, info, notice, warning, error, critical")
    }

    @Test("unusable config directories are runtime errors naming the flag")
    func configDirectories() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write("file.yaml", "")
        let missing = directory.path + "/missing"
        for (path, problem) in [(missing, "no such directory"), (file, "not a directory")] {
            do {
                _ = try ConfigDirectories.resolve([directory.path, path])
                Issue.record("expected \(path) to be rejected")
            } catch {
                #expect(error.line == "controld: --config-dir \(path): \(problem)")
                #expect(error.exitStatus == 1)
            }
        }
        #expect(try ConfigDirectories.resolve([directory.path]) == [directory.path])
    }
}
