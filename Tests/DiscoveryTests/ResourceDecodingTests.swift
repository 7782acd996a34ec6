import Foundation
import Testing

@testable import Discovery

@Suite("Resource models decode documentation manifests")
struct ResourceDecodingTests {
    @Test("VirtualService: matches, weights, fault, retries, mirror, CORS, headers")
    func virtualService() throws {
        let (service, unknown) = try decodeOne(VirtualService.self, Samples.reviewsVirtualService)
        #expect(unknown.isEmpty)
        #expect(service.metadata.name == "reviews")
        #expect(service.spec.hosts == ["reviews"])
        let http = try #require(service.spec.http)
        #expect(http.count == 2)
        #expect(http[0].match?[0].headers?["end-user"]?.exact == "jason")
        #expect(http[0].match?[0].ignoreUriCase == true)
        #expect(http[0].fault?.delay?.fixedDelay?.duration == .seconds(7))
        #expect(http[1].route?.map(\.weight) == [50, 50])
        #expect(http[1].timeout?.duration == .seconds(10))
        #expect(http[1].retries?.attempts == 3)
        #expect(http[1].retries?.perTryTimeout?.text == "2s")
        #expect(http[1].mirror?.subset == "v2")
        #expect(http[1].mirrorPercentage?.value == 12.5)
        #expect(http[1].corsPolicy?.maxAge?.duration == .seconds(86_400))
        #expect(http[1].corsPolicy?.allowOrigins?[1].regex == #"https://.*\.example\.org"#)
        #expect(http[1].headers?.request?.set == ["x-route": "default"])
        #expect(ResourceValidator.validate(service).all.isEmpty)
    }

    @Test("DestinationRule: subsets, load balancer, pool, outlier detection, TLS, port settings")
    func destinationRule() throws {
        let (rule, unknown) = try decodeOne(DestinationRule.self, Samples.reviewsDestinationRule)
        #expect(unknown.isEmpty)
        #expect(rule.spec.host == "reviews")
        let policy = try #require(rule.spec.trafficPolicy)
        #expect(policy.loadBalancer?.simple == .random)
        #expect(policy.connectionPool?.tcp?.connectTimeout?.duration == .milliseconds(30))
        #expect(policy.connectionPool?.tcp?.tcpKeepalive?.interval?.duration == .seconds(75))
        #expect(policy.outlierDetection?.baseEjectionTime?.duration == .seconds(900))
        #expect(policy.tls?.mode == .istioMutual)
        #expect(rule.spec.subsets?.map(\.name) == ["v1", "v2", "v3"])
        #expect(rule.spec.subsets?[1].trafficPolicy?.loadBalancer?.consistentHash?.httpCookie?.name == "user")
        #expect(rule.spec.subsets?[2].trafficPolicy?.portLevelSettings?[0].loadBalancer?.simple == .leastRequest)
        #expect(ResourceValidator.validate(rule).all.isEmpty)
    }

    @Test("Gateway (v1alpha3): servers, namespaced hosts, TLS credential")
    func gateway() throws {
        let (gateway, unknown) = try decodeOne(Gateway.self, Samples.httpbinGateway)
        #expect(unknown.isEmpty)
        #expect(gateway.spec.selector == ["istio": "ingressgateway"])
        #expect(gateway.spec.servers?.map { $0.port?.number } == [80, 443])
        #expect(gateway.spec.servers?[1].tls?.mode == .simple)
        #expect(gateway.spec.servers?[1].tls?.credentialName == "httpbin-credential")
        #expect(ResourceValidator.validate(gateway).all.isEmpty)
    }

    @Test("ServiceEntry, WorkloadEntry and Sidecar")
    func serviceEntryWorkloadEntrySidecar() throws {
        let (entry, entryUnknown) = try decodeOne(ServiceEntry.self, Samples.externalServiceEntry)
        #expect(entryUnknown.isEmpty)
        #expect(entry.spec.resolution == .dns)
        #expect(entry.spec.location == .meshExternal)
        #expect(entry.spec.ports?.map(\.number) == [80, 443])
        #expect(ResourceValidator.validate(entry).all.isEmpty)

        let (workload, workloadUnknown) = try decodeOne(WorkloadEntry.self, Samples.workloadEntry)
        #expect(workloadUnknown.isEmpty)
        #expect(workload.spec.address == "2.2.2.2")
        #expect(workload.spec.ports == ["http": 9080])
        #expect(ResourceValidator.validate(workload).all.isEmpty)

        let (sidecar, sidecarUnknown) = try decodeOne(Sidecar.self, Samples.sidecar)
        #expect(sidecarUnknown.isEmpty)
        #expect(sidecar.spec.ingress?[1].captureMode == SidecarSpec.CaptureMode.none)
        #expect(sidecar.spec.ingress?[1].bind == "127.0.0.1")
        #expect(sidecar.spec.egress?[1].port == nil)
        #expect(sidecar.spec.outboundTrafficPolicy?.mode == .registryOnly)
        #expect(ResourceValidator.validate(sidecar).all.isEmpty)
    }

    @Test("PeerAuthentication, AuthorizationPolicy and RequestAuthentication")
    func security() throws {
        let (peer, _) = try decodeOne(PeerAuthentication.self, Samples.strictPeerAuthentication)
        #expect(peer.spec.mtls?.mode == .strict)
        #expect(ResourceValidator.validate(peer).all.isEmpty)

        let (policy, policyUnknown) = try decodeOne(AuthorizationPolicy.self, Samples.authorizationPolicy)
        #expect(policyUnknown.isEmpty)
        #expect(policy.spec.action == .allow)
        #expect(policy.spec.rules?[0].from?.count == 2)
        #expect(policy.spec.rules?[0].to?[1].operation?.paths == ["/data"])
        #expect(policy.spec.rules?[0].when?[0].key == "request.auth.claims[iss]")
        #expect(ResourceValidator.validate(policy).all.isEmpty)

        let (request, requestUnknown) = try decodeOne(RequestAuthentication.self, Samples.requestAuthentication)
        #expect(requestUnknown.isEmpty)
        #expect(request.spec.jwtRules?[0].issuer == "testing@secure.istio.io")
        #expect(request.spec.jwtRules?[0].fromHeaders?[0].prefix == "Bearer ")
        #expect(ResourceValidator.validate(request).all.isEmpty)
    }

    @Test("Kubernetes kinds: Service, EndpointSlice, Pod with a native sidecar, Node, Namespace, ConfigMap, Secret")
    func kubernetes() throws {
        let (service, _) = try decodeOne(Service.self, Samples.service)
        #expect(service.spec.ports?[0].targetPort == .int(9080))
        #expect(service.spec.ports?[1].targetPort == .string("https"))
        #expect(service.spec.ports?[1].appProtocol == "https")
        #expect(service.spec.selector == ["app": "reviews"])

        let (slice, _) = try decodeOne(EndpointSlice.self, Samples.endpointSlice)
        #expect(slice.serviceName == "reviews")
        #expect(slice.endpoints?[0].conditions?.ready == true)
        #expect(slice.endpoints?[0].targetRef?.kind == "Pod")
        #expect(slice.metadata.ownerReferences?[0].kind == "Service")

        let (pod, podUnknown) = try decodeOne(Pod.self, Samples.pod)
        #expect(podUnknown.isEmpty, "Kubernetes models leave out fields on purpose, without warnings")
        #expect(pod.spec.nativeSidecars.map(\.name) == ["istio-proxy"])
        #expect(pod.status?.podIP == "10.244.1.7")
        #expect(pod.status?.isReady == true)
        #expect(pod.metadata.labels?["security.istio.io/tlsMode"] == "istio")

        let (node, _) = try decodeOne(Node.self, Samples.node)
        #expect(node.region == "us-east-1")
        #expect(node.zone == "us-east-1a")

        let (namespace, _) = try decodeOne(Namespace.self, Samples.namespace)
        #expect(namespace.metadata.labels == ["istio-injection": "enabled"])

        let (configMap, _) = try decodeOne(ConfigMap.self, Samples.configMap)
        #expect(configMap.data?["root-cert.pem"]?.hasPrefix("-----BEGIN CERTIFICATE-----") == true)

        let (secret, _) = try decodeOne(Secret.self, Samples.secret)
        #expect(secret.value("tls.crt") == Data("cert".utf8))

        for sample in [Samples.service, Samples.endpointSlice, Samples.pod, Samples.node, Samples.namespace, Samples.configMap, Samples.secret] {
            #expect(try findings(sample).isEmpty)
        }
    }

    @Test("Gateway API Gateway and HTTPRoute")
    func gatewayAPI() throws {
        let (gateway, gatewayUnknown) = try decodeOne(KubernetesGateway.self, Samples.kubernetesGateway)
        #expect(gatewayUnknown.isEmpty)
        #expect(gateway.spec.listeners?.map(\.port) == [80, 443])
        #expect(gateway.spec.listeners?[0].allowedRoutes?.namespaces?.from == .all)
        #expect(ResourceValidator.validate(gateway).all.isEmpty)

        let (route, routeUnknown) = try decodeOne(HTTPRoute.self, Samples.httpRoute)
        #expect(routeUnknown.isEmpty)
        #expect(route.spec.rules?[0].backendRefs?.map(\.weight) == [90, 10])
        #expect(route.spec.rules?[0].filters?[0].type == .requestHeaderModifier)
        #expect(route.spec.rules?[0].timeouts?.request?.duration == .seconds(10))
        #expect(ResourceValidator.validate(route).all.isEmpty)
    }

    @Test("unknown fields are warnings with their paths, never failures")
    func unknownFields() throws {
        let (service, unknown) = try decodeOne(
            VirtualService.self,
            """
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: reviews, namespace: demo, futureMeta: 1}
            spec:
              hosts: [reviews]
              newTopLevel: {a: 1}
              http:
              - route:
                - destination: {host: reviews, newDestinationField: x}
                futureRouteField: true
            """)
        #expect(service.spec.hosts == ["reviews"])
        #expect(unknown == ["metadata.futureMeta", "spec.http[0].futureRouteField", "spec.http[0].route[0].destination.newDestinationField", "spec.newTopLevel"])
    }

    @Test("all three networking versions are accepted; others are not")
    func versions() throws {
        for version in ["v1", "v1beta1", "v1alpha3"] {
            let object = try #require(try rawObjects(Samples.workloadEntry.replacingOccurrences(of: "networking.istio.io/v1", with: "networking.istio.io/\(version)")).first)
            #expect(throws: Never.self) { try ResourceDecoder.decode(object) }
        }
        let future = try #require(try rawObjects(Samples.workloadEntry.replacingOccurrences(of: "networking.istio.io/v1", with: "networking.istio.io/v2")).first)
        #expect(throws: DecodeFailure.unsupportedVersion(apiVersion: "networking.istio.io/v2", accepted: ["v1", "v1alpha3", "v1beta1"])) {
            try ResourceDecoder.decode(future)
        }
    }

    @Test("schema errors name the field: wrong type, unknown enum value, bad duration")
    func schemaErrors() throws {
        let wrongType = try findings("""
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata: {name: a, namespace: demo}
            spec: {hosts: [a.example.com], ports: [{number: "eighty", name: http}]}
            """)
        #expect(wrongType == ["decode: spec.ports[0].number: expected an integer"])
        let badEnum = try findings("""
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata: {name: a, namespace: demo}
            spec: {hosts: [a.example.com], resolution: MAGIC}
            """)
        #expect(badEnum.count == 1)
        #expect(badEnum[0].hasPrefix("decode: spec.resolution: unknown value"))
        let badDuration = try findings("""
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: a, namespace: demo}
            spec: {hosts: [a], http: [{route: [{destination: {host: a}}], timeout: soon}]}
            """)
        #expect(badDuration.count == 1)
        #expect(badDuration[0].hasPrefix("decode: spec.http[0].timeout: invalid duration \"soon\""))
    }

    @Test("durations in Go's syntax")
    func durations() {
        #expect(ConfigDuration("1.5s")?.duration == .milliseconds(1500))
        #expect(ConfigDuration("100ms")?.duration == .milliseconds(100))
        #expect(ConfigDuration("1h")?.duration == .seconds(3600))
        #expect(ConfigDuration("1m30s")?.duration == .seconds(90))
        #expect(ConfigDuration("250us")?.duration == .microseconds(250))
        #expect(ConfigDuration("0")?.duration == .zero)
        #expect(ConfigDuration("-2s")?.duration == .seconds(-2))
        for bad in ["", "5", "s", "1.5", "1d", "1s2", "abc", "1..2s"] {
            #expect(ConfigDuration(bad) == nil, "\(bad)")
        }
    }
}
