import CA
import Foundation
import Testing
import X509

@Suite("Workload CSR")
struct WorkloadCSRTests {
    let identity = WorkloadIdentity(trustDomain: "cluster.local", namespace: "demo", serviceAccount: "reviews")

    @Test("openssl verifies the CSR and reads the SPIFFE SAN, an empty subject and the key", arguments: WorkloadKeyType.allCases)
    func opensslReadsCSR(type: WorkloadKeyType) throws {
        let key = try WorkloadKey.generate(type)
        let pem = try WorkloadCSR.pem(identity: identity, key: key)
        let text = try OpenSSL.run(["req", "-noout", "-text", "-verify"], input: pem)
        #expect(text.contains("verify OK") || text.contains("Certificate request self-signature verify OK"))
        #expect(text.contains("URI:spiffe://cluster.local/ns/demo/sa/reviews"))
        #expect(text.contains("Requested Extensions"))
        // An empty subject prints as "Subject: " with nothing after it.
        let subject = text.split(separator: "\n").first { $0.contains("Subject:") }
        #expect(subject?.trimmingCharacters(in: .whitespaces) == "Subject:")
        switch type {
        case .ecdsa:
            #expect(text.contains("id-ecPublicKey"))
            #expect(text.contains("prime256v1") || text.contains("P-256"))
            #expect(text.contains("ecdsa-with-SHA256"))
        case .rsa:
            #expect(text.contains("rsaEncryption"))
            #expect(text.contains("(2048 bit)"))
            #expect(text.contains("sha256WithRSAEncryption"))
        }
    }

    @Test("the SAN is the only name: one URI, no DNS names")
    func onlyTheSPIFFEName() throws {
        let csr = try WorkloadCSR.make(identity: identity, key: try WorkloadKey.generate(.ecdsa))
        let sans = try #require(try csr.attributes.extensionRequest?.extensions.subjectAlternativeNames)
        #expect(Array(sans) == [.uniformResourceIdentifier("spiffe://cluster.local/ns/demo/sa/reviews")])
        #expect(csr.subject == DistinguishedName())
        #expect(csr.publicKey.isValidSignature(csr.signature, for: csr))
    }

    @Test("each key is new")
    func freshKeys() throws {
        let a = try WorkloadKey.generate(.ecdsa)
        let b = try WorkloadKey.generate(.ecdsa)
        #expect(a.privateKey.publicKey != b.privateKey.publicKey)
        #expect(try a.pem().contains("PRIVATE KEY"))
    }

    @Test("identities with characters a SPIFFE path cannot carry are refused")
    func identityProblems() {
        #expect(identity.problem == nil)
        #expect(WorkloadIdentity(trustDomain: "cluster.local", namespace: "", serviceAccount: "x").problem != nil)
        #expect(WorkloadIdentity(trustDomain: "cluster.local", namespace: "a/b", serviceAccount: "x").problem != nil)
        #expect(WorkloadIdentity(trustDomain: "cluster local", namespace: "a", serviceAccount: "x").problem != nil)
    }
}
