import ArgumentParser
import CA
import Crypto
import _CryptoExtras
import Foundation
import X509

/// `ca-bench`: certificates issued per second (CSR verify + sign) by the CA, for
/// ECDSA P-256 and RSA 2048 workload keys, in-process and over the real secure
/// port, beside openssl's sign rate measured in the same run.
@main
struct CABenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ca-bench",
        abstract: "Time certificate issuance in-process and over TLS, beside openssl's sign rate.")

    @Option(help: "Seconds per timed round.") var seconds = 2
    @Option(help: "Rounds per measurement; medians are reported.") var rounds = 5
    @Option(help: "Concurrent callers (one TLS connection each over gRPC).") var callers = 50
    @Option(help: "CSRs generated per workload key type before timing, then reused in turn.") var csrs = 64
    @Option(help: "The CA's own key: ec (P-256, the default) or rsa (2048).") var caKey = "ec"
    @Option(help: "The openssl executable.") var openssl = "openssl"

    func run() async throws {
        guard let caKeyType = CAKeyType(rawValue: caKey) else {
            throw ValidationError("--ca-key must be ec or rsa")
        }
        let duration = Duration.seconds(seconds)
        let bench = try await BenchCA(keyType: caKeyType)
        defer { bench.remove() }
        log("generating \(csrs) CSRs of each workload key type (untimed)")
        let pools = try [CSRPool(keyType: .ecdsa, count: csrs), CSRPool(keyType: .rsa, count: csrs)]

        log("openssl reference")
        let reference = try OpenSSLReference.measure(openssl: openssl, seconds: seconds, bench: bench, csrs: pools)
        log("primitives in-process (swift-crypto)")
        let primitives = Primitives.measure(for: duration)

        var stages: [String: StageTimes] = [:]
        var results: [(pool: CSRPool, path: String, callers: Int, series: Series)] = []
        for pool in pools {
            log("\(pool.label): stages")
            stages[pool.label] = try StageTimes.measure(bench: bench, pool: pool, for: duration)
            for count in [1, callers] {
                log("\(pool.label): in-process handler, \(count) caller(s)")
                let series = await Measure.series(rounds: rounds, duration: duration, callers: count) { _, index in
                    _ = try await bench.handler.handle(
                        csrPEM: pool[index], requestedSeconds: 0,
                        credentials: CallerCredentials(bearerToken: bench.token))
                }
                results.append((pool, "in-process handler", count, series))
            }
        }
        try await SecurePortRun.withServer(bench) { port in
            for pool in pools {
                for count in [1, callers] {
                    log("\(pool.label): gRPC over TLS, \(count) connection(s)")
                    let series = try await SecurePortRun.withConnections(
                        count: count, port: port, bench: bench, warmUp: SecurePortRun.request(csr: pool[0])
                    ) { clients in
                        let metadata = SecurePortRun.authorization(bench)
                        return await Measure.series(rounds: rounds, duration: duration, callers: count) { caller, index in
                            _ = try await clients[caller].createCertificate(
                                SecurePortRun.request(csr: pool[index]), metadata: metadata)
                        }
                    }
                    results.append((pool, "gRPC + TLS, 1 connection per caller", count, series))
                }
            }
        }

        print(Report.header(reference: reference, caKey: caKeyType, seconds: seconds, rounds: rounds))
        print(Report.issuanceTable(results, reference: reference, caKey: caKeyType))
        print(Report.stageTable(pools.map { ($0.label, stages[$0.label]!) }))
        print(Report.primitiveTable(reference: reference, primitives: primitives, pools: pools))
        for result in results where result.series.failed > 0 {
            print("\(result.pool.label), \(result.path), \(result.callers) caller(s): \(result.series.failed) failed calls, e.g. \(result.series.firstFailure ?? "?")")
        }
    }

    func log(_ message: String) {
        FileHandle.standardError.write(Data("ca-bench: \(message)\n".utf8))
    }
}

/// One request's steps, timed one at a time without gRPC (medians, seconds): what
/// `CertificateRequestHandler.handle` does in order.
struct StageTimes {
    var token: Double
    var csr: Double
    var sign: Double
    var pem: Double
    var handler: Double

    static func measure(bench: BenchCA, pool: CSRPool, for duration: Duration) throws -> StageTimes {
        var index = 0
        let token = try Measure.median(for: duration / 4) { _ = try bench.verifier.verify(token: bench.token) }
        let csr = try Measure.median(for: duration / 4) {
            index += 1
            _ = try ValidatedCSR(pem: pool[index])
        }
        let validated = try ValidatedCSR(pem: pool[0])
        let names: [GeneralName] = [.uniformResourceIdentifier(BenchCA.identity.spiffeURI)]
        var chain: [Certificate] = []
        let sign = try Measure.median(for: duration / 4) {
            chain = try bench.ca.sign(publicKey: validated.request.publicKey, names: names, lifetime: .seconds(86400))
        }
        let pem = try Measure.median(for: duration / 4) {
            _ = try chain.map { try $0.serializeAsPEM().pemString + "\n" }
        }
        // All the steps in one call, to check that the sum of the parts accounts for it.
        let handler = try Measure.median(for: duration / 4) {
            index += 1
            _ = try validatedAndSigned(bench: bench, pem: pool[index])
        }
        return StageTimes(token: token, csr: csr, sign: sign, pem: pem, handler: handler)
    }

    /// The handler's steps without its `async` hop, to compare with the sum of the stages.
    private static func validatedAndSigned(bench: BenchCA, pem: String) throws -> [String] {
        let account = try bench.verifier.verify(token: bench.token)
        let caller = SPIFFEID(trustDomain: BenchCA.trustDomain, namespace: account.namespace, serviceAccount: account.name)
        let csr = try ValidatedCSR(pem: pem)
        let identity = try csr.authorize(for: caller)
        return try bench.ca.sign(
            publicKey: csr.request.publicKey, names: [.uniformResourceIdentifier(identity.uri)], lifetime: .seconds(86400)
        ).map { try $0.serializeAsPEM().pemString + "\n" }
    }
}

/// The same primitives through swift-crypto (BoringSSL) in this process, between
/// openssl's figures and ours (operations per CPU second, single-threaded).
struct Primitives {
    var p256Sign: Double
    var p256Verify: Double
    var rsa2048Verify: Double
    var rsa2048Sign: Double

    static func measure(for duration: Duration) -> Primitives {
        let message = Data(repeating: 0x5a, count: 512)
        let p256 = P256.Signing.PrivateKey()
        let p256Signature = try! p256.signature(for: message)
        let rsa = try! _RSA.Signing.PrivateKey(keySize: .bits2048)
        let rsaSignature = try! rsa.signature(for: message, padding: .insecurePKCS1v1_5)
        func rate(_ body: () -> Void) -> Double {
            let cpuStart = processCPUSeconds()
            var count = 0
            let deadline = ContinuousClock.now + duration / 4
            while ContinuousClock.now < deadline {
                body()
                count += 1
            }
            return Double(count) / (processCPUSeconds() - cpuStart)
        }
        return Primitives(
            p256Sign: rate { _ = try! p256.signature(for: message) },
            p256Verify: rate { _ = p256.publicKey.isValidSignature(p256Signature, for: message) },
            rsa2048Verify: rate { _ = rsa.publicKey.isValidSignature(rsaSignature, for: message, padding: .insecurePKCS1v1_5) },
            rsa2048Sign: rate { _ = try! rsa.signature(for: message, padding: .insecurePKCS1v1_5) })
    }
}
