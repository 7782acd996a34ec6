import CA
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The physical reference, measured in the same run: openssl's own sign and verify
/// rates (`openssl speed`, per CPU second, as openssl reports them), and whole
/// certificates from a CSR with `openssl x509 -req` (one process per certificate,
/// as a shell-script CA would do it).
struct OpenSSLReference {
    /// Operations per CPU second, from `openssl speed -mr`.
    var p256Sign = Double.nan
    var p256Verify = Double.nan
    var rsa2048Sign = Double.nan
    var rsa2048Verify = Double.nan
    /// The speed command, for the report.
    var speedCommand = ""
    /// `openssl x509 -req` runs by CSR key label: certificates per wall second and
    /// CPU seconds per certificate (children's CPU).
    var x509: [String: (rate: Double, cpuPerCert: Double)] = [:]
    var version = ""

    static func measure(openssl name: String, seconds: Int, bench: BenchCA, csrs: [CSRPool]) throws -> OpenSSLReference {
        var reference = OpenSSLReference()
        let openssl = try executable(name)
        reference.version = try run(openssl, ["version"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let arguments = ["speed", "-mr", "-seconds", "\(seconds)", "ecdsap256", "rsa2048"]
        reference.speedCommand = "openssl " + arguments.joined(separator: " ")
        // `-mr` lines: `+F2:n:bits:sign/s:verify/s` for RSA, `+F4:n:bits:sign/s:verify/s` for ECDSA.
        for line in try run(openssl, arguments).split(separator: "\n") {
            let fields = line.split(separator: ":")
            guard fields.count == 5, let sign = Double(fields[3]), let verify = Double(fields[4]) else { continue }
            if fields[0] == "+F2" && fields[2] == "2048" {
                (reference.rsa2048Sign, reference.rsa2048Verify) = (sign, verify)
            } else if fields[0] == "+F4" && fields[2] == "256" {
                (reference.p256Sign, reference.p256Verify) = (sign, verify)
            }
        }

        // The extensions our leaves carry, so openssl builds the same certificate.
        let extensions = bench.directory.appendingPathComponent("leaf.ext").path
        try """
            basicConstraints = critical, CA:FALSE
            keyUsage = critical, digitalSignature, keyEncipherment
            extendedKeyUsage = serverAuth, clientAuth
            authorityKeyIdentifier = keyid
            subjectAltName = critical, URI:\(BenchCA.identity.spiffeURI)
            """.write(toFile: extensions, atomically: true, encoding: .utf8)
        for pool in csrs {
            let csrPath = bench.directory.appendingPathComponent("\(pool.keyType.rawValue).csr").path
            try pool[0].write(toFile: csrPath, atomically: true, encoding: .utf8)
            let x509 = [
                "x509", "-req", "-in", csrPath, "-CA", bench.caCertPath, "-CAkey", bench.caKeyPath,
                "-set_serial", "0x4f3e2d1c0b0a09080706050403020100", "-days", "1", "-sha256",
                "-extfile", extensions, "-out", "/dev/null",
            ]
            // Once untimed, so a failure (say, an openssl that reads the key
            // differently) is reported rather than timed.
            _ = try run(openssl, x509)
            let clock = ContinuousClock()
            let cpuStart = processCPUSeconds(children: true)
            let start = clock.now
            var count = 0
            while clock.now < start + .seconds(seconds) {
                _ = try run(openssl, x509)
                count += 1
            }
            let wall = Measure.seconds(clock.now - start)
            let cpu = processCPUSeconds(children: true) - cpuStart
            reference.x509[pool.label] = (Double(count) / wall, cpu / Double(count))
        }
        return reference
    }

    /// Certificates per CPU second if issuing cost only the cryptography: one
    /// verification of the CSR's signature (its key type) and one signature with
    /// the CA's key.
    func cryptoBound(workload: WorkloadKeyType, caKey: CAKeyType) -> Double {
        let verify = workload == .ecdsa ? p256Verify : rsa2048Verify
        let sign = caKey == .ec ? p256Sign : rsa2048Sign
        return 1 / (1 / verify + 1 / sign)
    }

    /// The full path of `name`, found on `PATH` once, so the timed loop starts
    /// openssl itself and nothing in front of it.
    static func executable(_ name: String) throws -> String {
        if name.contains("/") { return name }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw BenchError("\(name) is not on PATH")
    }

    /// Runs a command to completion; its standard output, or an error with its
    /// standard error when it fails.
    ///
    /// Spawned with an empty signal mask and default signal actions: `openssl speed`
    /// times itself with SIGALRM, and a child inherits this process's blocked
    /// signals (Foundation's `Process` passes them on), so it would never stop.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String]) throws -> String {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("ca-bench-\(UInt64.random(in: 0 ... .max))")
        defer {
            try? FileManager.default.removeItem(atPath: output.path + ".out")
            try? FileManager.default.removeItem(atPath: output.path + ".err")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output.path + ".out", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, output.path + ".err", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        guard spawned == 0 else { throw BenchError("cannot start \(executable): error \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let stdout = (try? String(contentsOfFile: output.path + ".out", encoding: .utf8)) ?? ""
        // Exited normally (low 7 bits clear) with status 0.
        guard status & 0x7f == 0, (status >> 8) & 0xff == 0 else {
            let stderr = (try? String(contentsOfFile: output.path + ".err", encoding: .utf8)) ?? ""
            throw BenchError("\(executable) \(arguments.joined(separator: " ")) failed: \(stderr)")
        }
        return stdout
    }
}
