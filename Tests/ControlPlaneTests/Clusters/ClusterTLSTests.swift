import ControlPlane
import Discovery
import Testing
import XDS

/// `tls` and auto mTLS → transport sockets.
@Suite struct ClusterTLSTests {
    /// Checks the SDS reference to the node agent's `name` secret.
    func expectAgentSecret(_ config: Envoy_Extensions_TransportSockets_Tls_V3_SdsSecretConfig, _ name: String) {
        #expect(config.name == name)
        let api = config.sdsConfig.apiConfigSource
        #expect(api.apiType == .grpc)
        #expect(api.transportApiVersion == .v3)
        #expect(api.setNodeOnFirstMessageOnly)
        #expect(api.grpcServices.map(\.envoyGrpc.clusterName) == ["sds-grpc"])
        #expect(config.sdsConfig.resourceApiVersion == .v3)
        #expect(config.sdsConfig.hasInitialFetchTimeout && config.sdsConfig.initialFetchTimeout.seconds == 0)
    }

    @Test func autoMtlsMatchesIstioEndpointsAndSendsPlaintextToOthers() async throws {
        let cluster = try ClusterFixture.cluster(nil)
        #expect(!cluster.hasTransportSocket)
        #expect(cluster.transportSocketMatches.map(\.name) == ["tlsMode-istio", "tlsMode-disabled"])

        let istio = cluster.transportSocketMatches[0]
        #expect(istio.match.fields["tlsMode"]?.stringValue == "istio")
        let context = try ClusterFixture.tlsContext(istio.transportSocket)
        #expect(context.sni == "outbound_.9080_._.reviews.default.svc.cluster.local")
        let common = context.commonTlsContext
        #expect(common.alpnProtocols == ["istio-peer-exchange", "istio"])
        #expect(common.tlsParams.tlsMinimumProtocolVersion == .tlsv12)
        #expect(common.tlsParams.tlsMaximumProtocolVersion == .tlsv13)
        #expect(common.tlsCertificateSdsSecretConfigs.count == 1)
        expectAgentSecret(common.tlsCertificateSdsSecretConfigs[0], "default")
        let combined = common.combinedValidationContext
        expectAgentSecret(combined.validationContextSdsSecretConfig, "ROOTCA")
        #expect(ClusterFixture.exactValues(combined.defaultValidationContext.matchSubjectAltNames) == [ClusterFixture.serviceAccount])

        let plaintext = cluster.transportSocketMatches[1]
        #expect(plaintext.hasMatch && plaintext.match.fields.isEmpty)
        #expect(plaintext.transportSocket.name == "envoy.transport_sockets.raw_buffer")
        #expect(plaintext.transportSocket.typedConfig.typeURL
            == "type.googleapis.com/envoy.extensions.transport_sockets.raw_buffer.v3.RawBuffer")
    }

    @Test func autoMtlsOffLeavesPlaintext() async throws {
        for disable in [
            { (input: inout ClusterPolicyInput) in input.enableAutoMtls = false },
            { (input: inout ClusterPolicyInput) in input.meshExternal = true },
            { (input: inout ClusterPolicyInput) in input.serviceMTLSMode = .disable },
        ] {
            var input = try ClusterFixture.input()
            disable(&input)
            let cluster = try ClusterFixture.cluster(input)
            #expect(!cluster.hasTransportSocket)
            #expect(cluster.transportSocketMatches.isEmpty)
        }
    }

    @Test func autoMtlsSubsetAndHTTP2() async throws {
        let cluster = try ClusterFixture.cluster(nil, subset: "v1", subsetJSON: "{}", protocol: .grpc)
        let context = try ClusterFixture.tlsContext(cluster.transportSocketMatches[0].transportSocket)
        #expect(context.sni == "outbound_.9080_.v1_.reviews.default.svc.cluster.local")
        #expect(context.commonTlsContext.alpnProtocols == ["istio-peer-exchange", "istio", "h2"])
    }

    @Test func istioMutualFromTheRuleIsAlwaysOn() async throws {
        let cluster = try ClusterFixture.cluster(#"{"tls": {"mode": "ISTIO_MUTUAL"}}"#)
        #expect(cluster.transportSocketMatches.isEmpty)
        let context = try ClusterFixture.tlsContext(cluster.transportSocket)
        #expect(context.sni == "outbound_.9080_._.reviews.default.svc.cluster.local")
        #expect(ClusterFixture.exactValues(context.commonTlsContext.combinedValidationContext.defaultValidationContext.matchSubjectAltNames)
            == [ClusterFixture.serviceAccount])
    }

    @Test func istioMutualWithTheRulesOwnSNIAndSANs() async throws {
        let cluster = try ClusterFixture.cluster(
            #"{"tls": {"mode": "ISTIO_MUTUAL", "sni": "gateway.example", "subjectAltNames": ["spiffe://other/ns/x/sa/y"]}}"#)
        let context = try ClusterFixture.tlsContext(cluster.transportSocket)
        #expect(context.sni == "gateway.example")
        #expect(ClusterFixture.exactValues(context.commonTlsContext.combinedValidationContext.defaultValidationContext.matchSubjectAltNames)
            == ["spiffe://other/ns/x/sa/y"])
    }

    @Test func disableMeansPlaintextEvenWithAutoMtls() async throws {
        let cluster = try ClusterFixture.cluster(#"{"tls": {"mode": "DISABLE"}}"#)
        #expect(!cluster.hasTransportSocket)
        #expect(cluster.transportSocketMatches.isEmpty)
    }

    @Test func simpleWithACAFile() async throws {
        let cluster = try ClusterFixture.cluster(
            #"{"tls": {"mode": "SIMPLE", "caCertificates": "/etc/certs/ca.pem", "sni": "api.example.com", "subjectAltNames": ["api.example.com"]}}"#)
        let context = try ClusterFixture.tlsContext(cluster.transportSocket)
        #expect(context.sni == "api.example.com")
        let common = context.commonTlsContext
        #expect(common.tlsCertificates.isEmpty && common.tlsCertificateSdsSecretConfigs.isEmpty)
        #expect(common.validationContext.trustedCa.filename == "/etc/certs/ca.pem")
        #expect(ClusterFixture.exactValues(common.validationContext.matchSubjectAltNames) == ["api.example.com"])
        #expect(common.alpnProtocols.isEmpty)
        // SNI given: no automatic SNI.
        #expect(try ClusterFixture.httpOptions(cluster) == nil)
    }

    @Test func simpleWithoutSNIUsesTheHostAndSystemRoots() async throws {
        let cluster = try ClusterFixture.cluster(#"{"tls": {"mode": "SIMPLE"}}"#, protocol: .http2)
        let context = try ClusterFixture.tlsContext(cluster.transportSocket)
        #expect(context.sni.isEmpty)
        #expect(context.commonTlsContext.validationContext.trustedCa.filename == "/etc/ssl/certs/ca-certificates.crt")
        #expect(context.commonTlsContext.alpnProtocols == ["h2"])
        let upstream = try #require(try ClusterFixture.httpOptions(cluster)).upstreamHTTPProtocolOptions
        #expect(upstream.autoSni)
        #expect(upstream.autoSanValidation)
    }

    @Test func insecureSkipVerifyChecksNothing() async throws {
        let cluster = try ClusterFixture.cluster(#"{"tls": {"mode": "SIMPLE", "insecureSkipVerify": true}}"#)
        let context = try ClusterFixture.tlsContext(cluster.transportSocket)
        #expect(context.commonTlsContext.validationContext == .init())
        #expect(try ClusterFixture.httpOptions(cluster)?.upstreamHTTPProtocolOptions.autoSanValidation == false)
    }

    @Test func mutualWithFiles() async throws {
        let cluster = try ClusterFixture.cluster(
            #"{"tls": {"mode": "MUTUAL", "clientCertificate": "/etc/certs/cert.pem", "privateKey": "/etc/certs/key.pem", "caCertificates": "/etc/certs/ca.pem", "caCrl": "/etc/certs/crl.pem"}}"#)
        let common = try ClusterFixture.tlsContext(cluster.transportSocket).commonTlsContext
        #expect(common.tlsCertificates.map(\.certificateChain.filename) == ["/etc/certs/cert.pem"])
        #expect(common.tlsCertificates.map(\.privateKey.filename) == ["/etc/certs/key.pem"])
        #expect(common.validationContext.crl.filename == "/etc/certs/crl.pem")
    }

    @Test func mutualWithoutAKeyIsRefused() async throws {
        let input = try ClusterFixture.input(#"{"tls": {"mode": "MUTUAL", "clientCertificate": "/etc/certs/cert.pem"}}"#)
        var cluster = ClusterFixture.baseCluster(for: input)
        #expect(throws: ClusterPolicyError.self) { try ClusterPolicy.apply(input, to: &cluster) }
    }

    @Test func mutualWithACredentialFetchesItOverADS() async throws {
        let cluster = try ClusterFixture.cluster(#"{"tls": {"mode": "MUTUAL", "credentialName": "client-creds", "sni": "db.example"}}"#)
        let common = try ClusterFixture.tlsContext(cluster.transportSocket).commonTlsContext
        let certificate = try #require(common.tlsCertificateSdsSecretConfigs.first)
        #expect(certificate.name == "kubernetes://client-creds")
        #expect(certificate.sdsConfig.configSourceSpecifier == .ads(.init()))
        #expect(certificate.sdsConfig.resourceApiVersion == .v3)
        let ca = common.combinedValidationContext.validationContextSdsSecretConfig
        #expect(ca.name == "kubernetes://client-creds-cacert")
        #expect(ca.sdsConfig.configSourceSpecifier == .ads(.init()))
    }

    @Test func credentialNameOnASidecarWithoutSelectorIsIgnored() async throws {
        var input = try ClusterFixture.input(#"{"tls": {"mode": "SIMPLE", "credentialName": "creds"}}"#)
        input.allowCredentialName = false
        let cluster = try ClusterFixture.cluster(input)
        #expect(!cluster.hasTransportSocket)
        #expect(cluster.transportSocketMatches.isEmpty)
    }

    @Test func serviceEntrySANsWhenTheRuleGivesNone() async throws {
        var input = try ClusterFixture.input(#"{"tls": {"mode": "SIMPLE", "sni": "api.example.com"}}"#)
        input.definedByServiceEntry = true
        input.serviceAccounts = ["api.example.com"]
        let common = try ClusterFixture.tlsContext(ClusterFixture.cluster(input).transportSocket).commonTlsContext
        #expect(ClusterFixture.exactValues(common.validationContext.matchSubjectAltNames) == ["api.example.com"])
    }

    @Test func credentialResourceNames() {
        #expect(UpstreamSecrets.resourceName("creds") == "kubernetes://creds")
        #expect(UpstreamSecrets.resourceName("kubernetes://creds") == "kubernetes://creds")
        #expect(UpstreamSecrets.resourceName("configmap://ns/ca") == "configmap://ns/ca")
        #expect(UpstreamSecrets.resourceName("sds://vault-cert") == "kubernetes://vault-cert")
        #expect(UpstreamSecrets.forCredential("builtin://").name == "default")
        #expect(UpstreamSecrets.forCredential("builtin://-cacert").name == "ROOTCA")
    }

    @Test func proxyProtocolWrapsPlaintext() async throws {
        var input = try ClusterFixture.input(#"{"proxyProtocol": {"version": "V2"}}"#)
        input.enableAutoMtls = false
        let socket = try ClusterFixture.cluster(input).transportSocket
        #expect(socket.name == "envoy.transport_sockets.upstream_proxy_protocol")
        let upstream = try Envoy_Extensions_TransportSockets_ProxyProtocol_V3_ProxyProtocolUpstreamTransport(
            serializedBytes: socket.typedConfig.value)
        #expect(upstream.config.version == .v2)
        #expect(upstream.transportSocket.name == "envoy.transport_sockets.raw_buffer")
    }

    @Test func proxyProtocolWrapsEachAutoMtlsSocket() async throws {
        let cluster = try ClusterFixture.cluster(#"{"proxyProtocol": {}}"#)
        #expect(cluster.transportSocketMatches.map(\.transportSocket.name)
            == ["envoy.transport_sockets.upstream_proxy_protocol", "envoy.transport_sockets.upstream_proxy_protocol"])
        let inner = try Envoy_Extensions_TransportSockets_ProxyProtocol_V3_ProxyProtocolUpstreamTransport(
            serializedBytes: cluster.transportSocketMatches[0].transportSocket.typedConfig.value)
        #expect(inner.config.version == .v1)
        #expect(inner.transportSocket.name == "envoy.transport_sockets.tls")
    }
}
