/// Manifests in the shape of Istio's and Kubernetes' own documentation samples.
enum Samples {
    /// bookinfo's reviews routing (samples/bookinfo/networking/virtual-service-reviews-*.yaml),
    /// with the traffic-management task's retries, timeout, fault and mirror.
    static let reviewsVirtualService = """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata:
          name: reviews
          namespace: bookinfo
        spec:
          hosts:
          - reviews
          http:
          - name: jason
            match:
            - headers:
                end-user:
                  exact: jason
              uri:
                prefix: /reviews
              ignoreUriCase: true
            route:
            - destination:
                host: reviews
                subset: v2
            fault:
              delay:
                percentage:
                  value: 100.0
                fixedDelay: 7s
          - route:
            - destination:
                host: reviews
                subset: v1
              weight: 50
            - destination:
                host: reviews
                subset: v3
              weight: 50
            timeout: 10s
            retries:
              attempts: 3
              perTryTimeout: 2s
              retryOn: gateway-error,connect-failure,refused-stream
            mirror:
              host: reviews
              subset: v2
            mirrorPercentage:
              value: 12.5
            corsPolicy:
              allowOrigins:
              - exact: https://example.com
              - regex: "https://.*\\\\.example\\\\.org"
              allowMethods: [GET, POST]
              maxAge: "24h"
            headers:
              request:
                set:
                  x-route: default
        """

    /// bookinfo's destination-rule-all.yaml entry for reviews, with a traffic policy.
    static let reviewsDestinationRule = """
        apiVersion: networking.istio.io/v1beta1
        kind: DestinationRule
        metadata:
          name: reviews
          namespace: bookinfo
        spec:
          host: reviews
          trafficPolicy:
            loadBalancer:
              simple: RANDOM
            connectionPool:
              tcp:
                maxConnections: 100
                connectTimeout: 30ms
                tcpKeepalive:
                  time: 7200s
                  interval: 75s
              http:
                http2MaxRequests: 1000
                maxRequestsPerConnection: 10
            outlierDetection:
              consecutive5xxErrors: 7
              interval: 5m
              baseEjectionTime: 15m
            tls:
              mode: ISTIO_MUTUAL
          subsets:
          - name: v1
            labels:
              version: v1
          - name: v2
            labels:
              version: v2
            trafficPolicy:
              loadBalancer:
                consistentHash:
                  httpCookie:
                    name: user
                    ttl: 0s
          - name: v3
            labels:
              version: v3
            trafficPolicy:
              portLevelSettings:
              - port:
                  number: 9080
                loadBalancer:
                  simple: LEAST_REQUEST
        """

    /// The httpbin ingress Gateway of Istio's ingress task, with an HTTPS server.
    static let httpbinGateway = """
        apiVersion: networking.istio.io/v1alpha3
        kind: Gateway
        metadata:
          name: httpbin-gateway
          namespace: istio-system
        spec:
          selector:
            istio: ingressgateway
          servers:
          - port:
              number: 80
              name: http
              protocol: HTTP
            hosts:
            - "httpbin.example.com"
          - port:
              number: 443
              name: https
              protocol: HTTPS
            tls:
              mode: SIMPLE
              credentialName: httpbin-credential
            hosts:
            - "*/httpbin.example.com"
        """

    /// An external API, as in Istio's egress task.
    static let externalServiceEntry = """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata:
          name: httpbin-ext
          namespace: default
        spec:
          hosts:
          - httpbin.org
          ports:
          - number: 80
            name: http
            protocol: HTTP
          - number: 443
            name: https
            protocol: HTTPS
          resolution: DNS
          location: MESH_EXTERNAL
        """

    static let workloadEntry = """
        apiVersion: networking.istio.io/v1
        kind: WorkloadEntry
        metadata:
          name: details-svc
          namespace: bookinfo
        spec:
          serviceAccount: details-legacy
          address: 2.2.2.2
          labels:
            app: details-legacy
            instance-id: vm1
          ports:
            http: 9080
        """

    static let sidecar = """
        apiVersion: networking.istio.io/v1
        kind: Sidecar
        metadata:
          name: ratings
          namespace: prod-us1
        spec:
          workloadSelector:
            labels:
              app: ratings
          ingress:
          - port:
              number: 9080
              protocol: HTTP
              name: somename
            defaultEndpoint: unix:///var/run/someuds.sock
          - port:
              number: 9081
              protocol: HTTP
              name: local
            captureMode: NONE
            bind: 127.0.0.1
            defaultEndpoint: 127.0.0.1:8080
          egress:
          - port:
              number: 9080
              protocol: HTTP
              name: egresshttp
            hosts:
            - "prod-us1/*"
          - hosts:
            - "istio-system/*"
          outboundTrafficPolicy:
            mode: REGISTRY_ONLY
        """

    static let strictPeerAuthentication = """
        apiVersion: security.istio.io/v1
        kind: PeerAuthentication
        metadata:
          name: default
          namespace: istio-system
        spec:
          mtls:
            mode: STRICT
        """

    static let authorizationPolicy = """
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata:
          name: httpbin
          namespace: foo
        spec:
          selector:
            matchLabels:
              app: httpbin
              version: v1
          action: ALLOW
          rules:
          - from:
            - source:
                principals: ["cluster.local/ns/default/sa/sleep"]
            - source:
                namespaces: ["test"]
            to:
            - operation:
                methods: ["GET"]
                paths: ["/info*"]
            - operation:
                methods: ["POST"]
                paths: ["/data"]
            when:
            - key: request.auth.claims[iss]
              values: ["https://accounts.google.com"]
        """

    static let requestAuthentication = """
        apiVersion: security.istio.io/v1beta1
        kind: RequestAuthentication
        metadata:
          name: jwt-example
          namespace: istio-system
        spec:
          selector:
            matchLabels:
              istio: ingressgateway
          jwtRules:
          - issuer: "testing@secure.istio.io"
            jwksUri: "https://raw.githubusercontent.com/istio/istio/release-1.22/security/tools/jwt/samples/jwks.json"
            forwardOriginalToken: true
            outputClaimToHeaders:
            - header: "x-jwt-claim-foo"
              claim: "foo"
            fromHeaders:
            - name: x-jwt-assertion
              prefix: "Bearer "
        """

    static let service = """
        apiVersion: v1
        kind: Service
        metadata:
          name: reviews
          namespace: bookinfo
          labels:
            app: reviews
            service: reviews
        spec:
          ports:
          - port: 9080
            name: http
            targetPort: 9080
          - port: 9443
            name: https-alt
            targetPort: https
            appProtocol: https
          selector:
            app: reviews
          clusterIP: 10.96.12.34
        """

    static let endpointSlice = """
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: reviews-abc12
          namespace: bookinfo
          labels:
            kubernetes.io/service-name: reviews
          ownerReferences:
          - apiVersion: v1
            kind: Service
            name: reviews
            uid: 4f1e2d3c-0000-4000-8000-000000000001
            controller: true
            blockOwnerDeletion: true
        addressType: IPv4
        ports:
        - name: http
          protocol: TCP
          port: 9080
        endpoints:
        - addresses: ["10.244.1.7"]
          conditions: {ready: true, serving: true, terminating: false}
          nodeName: kind-worker
          zone: us-east-1a
          targetRef: {kind: Pod, namespace: bookinfo, name: reviews-v1-7d8f9c-abcde, uid: 11111111-2222-3333-4444-555555555555}
        """

    /// A Pod with an injected native sidecar (istio-proxy as a restartable init container).
    static let pod = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: reviews-v1-7d8f9c-abcde
          namespace: bookinfo
          labels: {app: reviews, version: v1, security.istio.io/tlsMode: istio}
          annotations: {sidecar.istio.io/status: '{"initContainers":["istio-proxy"]}'}
          ownerReferences:
          - {apiVersion: apps/v1, kind: ReplicaSet, name: reviews-v1-7d8f9c, uid: 0a0a0a0a-0000-4000-8000-000000000002, controller: true}
        spec:
          serviceAccountName: bookinfo-reviews
          nodeName: kind-worker
          volumes: [{name: istio-envoy, emptyDir: {medium: Memory}}]
          initContainers:
          - name: istio-proxy
            image: docker.io/istio/proxyv2:1.24.0
            restartPolicy: Always
            ports: [{containerPort: 15090, name: http-envoy-prom, protocol: TCP}]
          containers:
          - name: reviews
            image: docker.io/istio/examples-bookinfo-reviews-v1:1.20.2
            ports: [{containerPort: 9080, protocol: TCP}]
        status:
          phase: Running
          podIP: 10.244.1.7
          podIPs: [{ip: 10.244.1.7}]
          hostIP: 172.18.0.3
          conditions:
          - {type: Ready, status: "True", lastTransitionTime: "2024-05-01T10:00:00Z"}
        """

    static let node = """
        apiVersion: v1
        kind: Node
        metadata:
          name: kind-worker
          labels:
            topology.kubernetes.io/region: us-east-1
            topology.kubernetes.io/zone: us-east-1a
        spec:
          podCIDR: 10.244.1.0/24
        status:
          addresses:
          - {type: InternalIP, address: 172.18.0.3}
          - {type: Hostname, address: kind-worker}
        """

    static let namespace = """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: bookinfo
          labels:
            istio-injection: enabled
        """

    static let configMap = """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: istio-ca-root-cert
          namespace: bookinfo
        data:
          root-cert.pem: |
            -----BEGIN CERTIFICATE-----
            MIIB
            -----END CERTIFICATE-----
        """

    static let secret = """
        apiVersion: v1
        kind: Secret
        metadata:
          name: httpbin-credential
          namespace: istio-system
        type: kubernetes.io/tls
        data:
          tls.crt: Y2VydA==
          tls.key: a2V5
        """

    static let kubernetesGateway = """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata:
          name: httpbin-gateway
          namespace: istio-ingress
        spec:
          gatewayClassName: istio
          listeners:
          - name: http
            hostname: "*.example.com"
            port: 80
            protocol: HTTP
            allowedRoutes:
              namespaces:
                from: All
          - name: https
            hostname: httpbin.example.com
            port: 443
            protocol: HTTPS
            tls:
              mode: Terminate
              certificateRefs:
              - name: httpbin-credential
        """

    static let httpRoute = """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: reviews
          namespace: bookinfo
        spec:
          parentRefs:
          - name: httpbin-gateway
            namespace: istio-ingress
          hostnames: ["httpbin.example.com"]
          rules:
          - matches:
            - path:
                type: PathPrefix
                value: /get
              headers:
              - name: x-version
                value: v2
            filters:
            - type: RequestHeaderModifier
              requestHeaderModifier:
                add:
                - name: my-added-header
                  value: added-value
            backendRefs:
            - name: reviews-v1
              port: 9080
              weight: 90
            - name: reviews-v2
              port: 9080
              weight: 10
            timeouts:
              request: 10s
        """
}
