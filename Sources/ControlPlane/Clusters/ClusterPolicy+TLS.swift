import Discovery
import SwiftProtobuf
import XDS

extension ClusterPolicy {
    /// Envoy's name for the TLS transport socket.
    public static let tlsTransportSocketName = "envoy.transport_sockets.tls"
    /// Envoy's name for the plaintext transport socket.
    public static let rawBufferTransportSocketName = "envoy.transport_sockets.raw_buffer"
    /// ALPN offered in Istio mTLS (metadata exchange, then Istio's own marker).
    public static let istioMutualALPN = ["istio-peer-exchange", "istio"]

    /// The TLS settings to use and whether auto mTLS chose them (istiod's
    /// `buildUpstreamTLSSettings`).
    ///
    /// ISTIO_MUTUAL from a rule gets the Istio SNI and the destination's service
    /// accounts unless the rule names its own. With no `tls` in the rule, auto mTLS
    /// picks ISTIO_MUTUAL for destinations inside the mesh that may accept it.
    static func resolvedTLS(_ tls: ClientTLSSettings?, input: ClusterPolicyInput) -> (settings: UpstreamTLSSettings, auto: Bool)? {
        if let tls {
            var settings = UpstreamTLSSettings(tls)
            if settings.mode == .istioMutual {
                if settings.sni.isEmpty { settings.sni = input.istioMutualSNI }
                if settings.subjectAltNames.isEmpty { settings.subjectAltNames = input.serviceAccounts }
            }
            return (settings, false)
        }
        guard !input.meshExternal, input.enableAutoMtls,
              input.serviceMTLSMode != .unknown, input.serviceMTLSMode != .disable
        else { return nil }
        return (UpstreamTLSSettings(istioMutualSNI: input.istioMutualSNI, subjectAltNames: input.serviceAccounts), true)
    }

    /// `tls` (or auto mTLS) → the cluster's transport socket. Auto mTLS becomes two
    /// transport socket matches instead: Istio mTLS for endpoints labelled
    /// `security.istio.io/tlsMode: istio` (endpoint metadata
    /// `envoy.transport_socket_match: {tlsMode: istio}`), plaintext for the rest.
    /// ORIGINAL_DST clusters have no endpoint metadata to match, so they keep the
    /// plain socket.
    static func applyTLS(_ tls: ClientTLSSettings?, input: ClusterPolicyInput, to builder: inout ClusterUnderConstruction) throws {
        guard let (settings, auto) = resolvedTLS(tls, input: input) else { return }
        guard let context = try upstreamTLSContext(settings, input: input, builder: &builder) else { return }
        var socket = Envoy_Config_Core_V3_TransportSocket()
        socket.name = tlsTransportSocketName
        socket.typedConfig = try XDSResource.pack(context)
        guard auto, builder.cluster.type != .originalDst else {
            builder.cluster.transportSocket = socket
            return
        }
        builder.cluster.clearTransportSocket()
        var istio = Envoy_Config_Cluster_V3_Cluster.TransportSocketMatch()
        istio.name = "tlsMode-istio"
        istio.match = Google_Protobuf_Struct(fields: ["tlsMode": Google_Protobuf_Value(stringValue: "istio")])
        istio.transportSocket = socket
        var plaintext = Envoy_Config_Cluster_V3_Cluster.TransportSocketMatch()
        plaintext.name = "tlsMode-disabled"
        plaintext.match = Google_Protobuf_Struct()
        plaintext.transportSocket = try rawBufferTransportSocket()
        builder.cluster.transportSocketMatches = [istio, plaintext]
    }

    /// The plaintext transport socket, named with its typed config.
    public static func rawBufferTransportSocket() throws -> Envoy_Config_Core_V3_TransportSocket {
        var socket = Envoy_Config_Core_V3_TransportSocket()
        socket.name = rawBufferTransportSocketName
        socket.typedConfig = try XDSResource.pack(Envoy_Extensions_TransportSockets_RawBuffer_V3_RawBuffer())
        return socket
    }

    /// The UpstreamTlsContext for resolved settings; nil for DISABLE, and for
    /// `credentialName` where it may not be used.
    static func upstreamTLSContext(
        _ tls: UpstreamTLSSettings,
        input: ClusterPolicyInput,
        builder: inout ClusterUnderConstruction
    ) throws -> Envoy_Extensions_TransportSockets_Tls_V3_UpstreamTlsContext? {
        switch tls.mode {
        case .disable:
            return nil
        case .istioMutual:
            var context = Envoy_Extensions_TransportSockets_Tls_V3_UpstreamTlsContext()
            var common = defaultCommonTLSContext()
            common.tlsCertificateSdsSecretConfigs = [UpstreamSecrets.fromAgent(MeshNames.workloadSecret)]
            common.combinedValidationContext = combined(
                subjectAltNames: tls.subjectAltNames,
                trustBundle: UpstreamSecrets.fromAgent(MeshNames.rootSecret))
            common.alpnProtocols = istioMutualALPN + (builder.isHTTP2 ? ["h2"] : [])
            context.commonTlsContext = common
            context.sni = tls.sni.isEmpty ? builder.cluster.name : tls.sni
            return context
        case .simple, .mutual:
            if tls.credentialName != nil, !input.allowCredentialName {
                return nil
            }
            return try originatedTLSContext(tls, input: input, builder: &builder)
        }
    }

    /// SIMPLE and MUTUAL: TLS to a server outside Istio's identities, with the
    /// rule's certificates (files on the proxy, or a `credentialName` secret).
    ///
    /// Files are handed to Envoy directly (istiod has its agent serve them over SDS
    /// instead; the result on the wire to the upstream is the same). Without
    /// `caCertificates` the server is checked against the system's roots; with
    /// `insecureSkipVerify` it is not checked.
    static func originatedTLSContext(
        _ tls: UpstreamTLSSettings,
        input: ClusterPolicyInput,
        builder: inout ClusterUnderConstruction
    ) throws -> Envoy_Extensions_TransportSockets_Tls_V3_UpstreamTlsContext {
        let mutual = tls.mode == .mutual
        let skipVerify = tls.insecureSkipVerify
        var context = Envoy_Extensions_TransportSockets_Tls_V3_UpstreamTlsContext()
        var common = defaultCommonTLSContext()
        context.sni = tls.sni
        applyAutoSNI(tls, builder: &builder)

        var subjectAltNames = tls.subjectAltNames
        if subjectAltNames.isEmpty, input.definedByServiceEntry {
            subjectAltNames = input.serviceAccounts
        }
        if let credential = tls.credentialName {
            if mutual {
                common.tlsCertificateSdsSecretConfigs = [UpstreamSecrets.forCredential(credential)]
            }
            if !skipVerify {
                common.combinedValidationContext = combined(
                    subjectAltNames: subjectAltNames,
                    trustBundle: UpstreamSecrets.forCredential(credential + UpstreamSecrets.caSuffix))
            }
        } else {
            if mutual {
                guard let certificate = tls.clientCertificate, let key = tls.privateKey else {
                    throw ClusterPolicyError(
                        cluster: builder.cluster.name,
                        reason: "tls mode MUTUAL needs clientCertificate and privateKey (or credentialName)")
                }
                var pair = Envoy_Extensions_TransportSockets_Tls_V3_TlsCertificate()
                pair.certificateChain = ProtoValue.file(certificate)
                pair.privateKey = ProtoValue.file(key)
                common.tlsCertificates = [pair]
            }
            var validation = Envoy_Extensions_TransportSockets_Tls_V3_CertificateValidationContext()
            if !skipVerify {
                let roots = tls.caCertificates ?? input.systemRootCertificates
                validation.trustedCa = ProtoValue.file(roots)
                validation.matchSubjectAltNames = subjectAltNames.map(ProtoValue.exact)
                if let crl = tls.caCrl {
                    validation.crl = ProtoValue.file(crl)
                }
            }
            common.validationContext = validation
        }
        if builder.isHTTP2 {
            common.alpnProtocols = ["h2"]
        }
        context.commonTlsContext = common
        return context
    }

    /// Without an `sni`, send the request's host as SNI, and check the server's
    /// certificate against it unless SANs are given or verification is off.
    static func applyAutoSNI(_ tls: UpstreamTLSSettings, builder: inout ClusterUnderConstruction) {
        guard tls.sni.isEmpty else { return }
        var upstream = builder.http.upstreamHTTPProtocolOptions
        upstream.autoSni = true
        if tls.subjectAltNames.isEmpty, !tls.insecureSkipVerify {
            upstream.autoSanValidation = true
        }
        builder.http.upstreamHTTPProtocolOptions = upstream
    }

    /// TLS 1.2 to 1.3, as istiod offers upstream.
    static func defaultCommonTLSContext() -> Envoy_Extensions_TransportSockets_Tls_V3_CommonTlsContext {
        var parameters = Envoy_Extensions_TransportSockets_Tls_V3_TlsParameters()
        parameters.tlsMinimumProtocolVersion = .tlsv12
        parameters.tlsMaximumProtocolVersion = .tlsv13
        var common = Envoy_Extensions_TransportSockets_Tls_V3_CommonTlsContext()
        common.tlsParams = parameters
        return common
    }

    /// A trust bundle from SDS combined with SAN checks given inline.
    static func combined(
        subjectAltNames: [String],
        trustBundle: Envoy_Extensions_TransportSockets_Tls_V3_SdsSecretConfig
    ) -> Envoy_Extensions_TransportSockets_Tls_V3_CommonTlsContext.CombinedCertificateValidationContext {
        var validation = Envoy_Extensions_TransportSockets_Tls_V3_CertificateValidationContext()
        validation.matchSubjectAltNames = subjectAltNames.map(ProtoValue.exact)
        var combined = Envoy_Extensions_TransportSockets_Tls_V3_CommonTlsContext.CombinedCertificateValidationContext()
        combined.defaultValidationContext = validation
        combined.validationContextSdsSecretConfig = trustBundle
        return combined
    }
}

/// A DestinationRule's `tls` with its blanks settled: empty strings mean unset.
struct UpstreamTLSSettings: Hashable {
    var mode: ClientTLSSettings.Mode
    var sni: String
    var subjectAltNames: [String]
    var clientCertificate: String?
    var privateKey: String?
    var caCertificates: String?
    var caCrl: String?
    var credentialName: String?
    var insecureSkipVerify: Bool

    init(_ tls: ClientTLSSettings) {
        mode = tls.mode ?? .disable
        sni = tls.sni ?? ""
        subjectAltNames = tls.subjectAltNames ?? []
        clientCertificate = Self.given(tls.clientCertificate)
        privateKey = Self.given(tls.privateKey)
        caCertificates = Self.given(tls.caCertificates)
        caCrl = Self.given(tls.caCrl)
        credentialName = Self.given(tls.credentialName)
        insecureSkipVerify = tls.insecureSkipVerify ?? false
    }

    /// What auto mTLS uses.
    init(istioMutualSNI: String, subjectAltNames: [String]) {
        mode = .istioMutual
        sni = istioMutualSNI
        self.subjectAltNames = subjectAltNames
        insecureSkipVerify = false
    }

    private static func given(_ value: String?) -> String? {
        guard let value, !value.isEmpty else { return nil }
        return value
    }
}
