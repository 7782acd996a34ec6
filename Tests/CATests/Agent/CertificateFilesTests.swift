import CA
import Foundation
import Testing
import X509

@Suite("Certificate files")
struct CertificateFilesTests {
    func credentials(_ ca: TestCA) throws -> WorkloadCredentials {
        let identity = WorkloadIdentity(trustDomain: "cluster.local", namespace: "demo", serviceAccount: "grpc")
        let key = try WorkloadKey.generate(.ecdsa)
        let chain = try ca.issue(csrPEM: try WorkloadCSR.pem(identity: identity, key: key), validity: 600)
        return try WorkloadCredentials(key: key, response: chain, roots: [ca.root])
    }

    func mode(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    @Test("the three files are written with the right contents and modes, key 0600")
    func writes() throws {
        let directory = try AgentTestDirectory()
        defer { directory.remove() }
        let ca = try TestCA()
        let credentials = try credentials(ca)
        let output = directory.file("out/certs")
        try CertificateFiles(directory: output).write(credentials)

        let chain = try String(contentsOfFile: output + "/cert-chain.pem", encoding: .utf8)
        let key = try String(contentsOfFile: output + "/key.pem", encoding: .utf8)
        let root = try String(contentsOfFile: output + "/root-cert.pem", encoding: .utf8)
        #expect(chain == credentials.chainPEM)
        #expect(key == credentials.keyPEM)
        #expect(try PEMBundle.certificates(in: root) == [ca.root])
        #expect(try mode(output + "/key.pem") == 0o600)
        #expect(try mode(output + "/cert-chain.pem") == 0o644)
        #expect(try mode(output + "/root-cert.pem") == 0o644)
        // The key matches the certificate: openssl sees the same public key in both.
        let fromKey = try OpenSSL.run(["pkey", "-pubout"], input: key)
        let fromCert = try OpenSSL.run(["x509", "-noout", "-pubkey"], input: chain)
        #expect(fromKey == fromCert)
        // The chain verifies against the root written beside it.
        let verify = try OpenSSL.run(["verify", "-CAfile", output + "/root-cert.pem"], input: chain)
        #expect(verify.contains("OK"))
    }

    @Test("rewriting replaces files by rename: old inodes stay intact and no temporary files remain")
    func atomicReplace() throws {
        let directory = try AgentTestDirectory()
        defer { directory.remove() }
        let ca = try TestCA()
        let files = CertificateFiles(directory: directory.path)
        let first = try credentials(ca)
        try files.write(first)
        // A reader holding the old file open keeps reading the old, whole content.
        let reader = try FileHandle(forReadingFrom: URL(fileURLWithPath: directory.file("key.pem")))
        let inodeBefore = try FileManager.default.attributesOfItem(atPath: directory.file("key.pem"))[.systemFileNumber] as? NSNumber
        let second = try credentials(ca)
        try files.write(second)
        let inodeAfter = try FileManager.default.attributesOfItem(atPath: directory.file("key.pem"))[.systemFileNumber] as? NSNumber
        #expect(inodeBefore != inodeAfter)
        #expect(String(decoding: try reader.readToEnd() ?? Data(), as: UTF8.self) == first.keyPEM)
        try reader.close()
        #expect(try String(contentsOfFile: directory.file("key.pem"), encoding: .utf8) == second.keyPEM)
        #expect(try mode(directory.file("key.pem")) == 0o600)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(names == ["cert-chain.pem", "key.pem", "root-cert.pem"])
    }

    @Test("an unwritable directory is reported, naming the flag")
    func unwritable() throws {
        let directory = try AgentTestDirectory()
        defer { directory.remove() }
        try directory.write("a file, not a directory", to: "blocker")
        let ca = try TestCA()
        let error = #expect(throws: AgentError.self) {
            try CertificateFiles(directory: directory.file("blocker")).write(try credentials(ca))
        }
        #expect(error?.flag == "--output-dir")
    }
}
