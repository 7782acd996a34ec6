import Foundation
import GRPCCore
import Logging

typealias DiscoveryRequest = Envoy_Service_Discovery_V3_DiscoveryRequest
typealias DiscoveryResponse = Envoy_Service_Discovery_V3_DiscoveryResponse

/// The state-of-the-world protocol on one stream: a `StateOfTheWorldState` per type,
/// the provider's resources, and the writer.
struct StateOfTheWorldStream: StreamHandler {
    let server: XDSServer
    let connection: XDSConnection
    let writer: RPCWriter<DiscoveryResponse>
    private var states: [TypeURL: StateOfTheWorldState] = [:]
    /// When the change behind each type's last response happened, until its ACK.
    private var awaitingAck: [TypeURL: ContinuousClock.Instant] = [:]
    /// Set on a single-type service (SDS): other types are not served there.
    private let only: TypeURL?

    init(server: XDSServer, connection: XDSConnection, writer: RPCWriter<DiscoveryResponse>, only: TypeURL? = nil) {
        self.server = server
        self.connection = connection
        self.writer = writer
        self.only = only
    }

    mutating func handle(_ request: DiscoveryRequest) async throws {
        let type = TypeURL(request.typeURL)
        guard server.serves(type, only: only, on: connection) else { return }
        let errorMessage = request.hasErrorDetail ? request.errorDetail.message : nil
        guard var state = states[type] else {
            states[type] = StateOfTheWorldState(typeURL: type, firstRequestNames: request.resourceNames)
            try await send(type, scope: nil, force: true, triggeredAt: .now)
            return
        }
        let outcome = state.receive(
            names: request.resourceNames,
            nonce: request.responseNonce,
            errorMessage: errorMessage,
            errorCode: request.errorDetail.code
        )
        states[type] = state
        switch outcome {
        case .initial:
            try await send(type, scope: nil, force: true, triggeredAt: .now)
        case .ack(let newNames):
            recordAck(type, state: state)
            if let newNames {
                try await send(type, scope: newNames.isEmpty ? nil : newNames, force: true, triggeredAt: .now)
            }
        case .nack(let rejection, let newNames):
            recordNack(type, rejection)
            if let newNames {
                try await send(type, scope: newNames.isEmpty ? nil : newNames, force: true, triggeredAt: .now)
            }
        case .stale:
            server.metrics.expiredNonce(type)
        }
    }

    mutating func push(_ pending: PendingPush) async throws {
        let types = pending.orderedTypes.filter { states[$0] != nil }
        // A cluster that disappears may still be named by routes that are about to be
        // replaced: keep it until the listeners and routes have gone out, then send
        // the final cluster set.
        let holdRemovedClusters = types.contains(.cluster)
            && (types.contains(.listener) || types.contains(.route))
        var deferredClusters = false
        for type in types {
            let scope = pending.types[type] ?? nil
            if type == .cluster && holdRemovedClusters {
                deferredClusters = try await send(
                    type, scope: scope, force: false, triggeredAt: pending.triggeredAt, keepRemoved: true
                )
            } else {
                try await send(type, scope: scope, force: false, triggeredAt: pending.triggeredAt)
            }
        }
        if deferredClusters {
            try await send(.cluster, scope: nil, force: false, triggeredAt: pending.triggeredAt)
        }
    }

    /// Generates and, if anything changed, sends one response.
    /// - Returns: whether clusters that should go were kept for now (`keepRemoved`).
    @discardableResult
    private mutating func send(
        _ type: TypeURL,
        scope: Set<String>?,
        force: Bool,
        triggeredAt: ContinuousClock.Instant,
        keepRemoved: Bool = false
    ) async throws -> Bool {
        guard let state = states[type] else { return false }
        let started = ContinuousClock.now
        // Wildcard types always go out whole, whatever the push was about: every
        // resource, or every named one for a client that names them (gRPC's LDS).
        let names = type.isWildcardInStateOfTheWorld
            ? state.subscription.requestedNames : Self.intersect(scope, state.subscription.requestedNames)
        guard let generated = await server.generate(type, names: names, for: connection) else { return false }
        guard var resources = state.selectForSend(generated, force: force) else {
            return false
        }
        var keptRemoved = false
        if keepRemoved {
            let present = Set(resources.map(\.name))
            let held = connection.snapshot.types[type]?.resources ?? [:]
            let removed = held.filter { !present.contains($0.key) }.map(\.value)
            if !removed.isEmpty {
                resources = (resources + removed).sorted { $0.name < $1.name }
                keptRemoved = true
            }
        }

        let prepared = state.prepare(resources)
        var response = DiscoveryResponse()
        response.typeURL = type.rawValue
        response.versionInfo = prepared.versionInfo
        response.nonce = server.nextNonce()
        response.resources = resources.map(\.any)
        response.controlPlane.identifier = server.controlPlaneIdentifier

        let sendStarted = ContinuousClock.now
        try await writer.write(response)
        let sent = ContinuousClock.now

        states[type]!.didSend(prepared, nonce: response.nonce)
        awaitingAck[type] = triggeredAt
        let wildcard = type.isWildcardInStateOfTheWorld
        connection.update(type) { record in
            record.sentVersion = response.versionInfo
            record.sentNonce = response.nonce
            record.sentAt = Date()
            record.responses += 1
            if wildcard {
                record.resources = [:]
            }
            for resource in resources {
                record.resources[resource.name] = resource
            }
        }
        server.metrics.pushed(
            type,
            bytes: resources.reduce(0) { $0 + $1.payload.count },
            pushDuration: sent - started,
            sendDuration: sent - sendStarted
        )
        return keptRemoved
    }

    private mutating func recordAck(_ type: TypeURL, state: StateOfTheWorldState) {
        if let triggeredAt = awaitingAck.removeValue(forKey: type) {
            server.metrics.converged(after: .now - triggeredAt)
        }
        connection.update(type) { record in
            record.ackedVersion = state.ackedVersionInfo
            record.ackedNonce = state.answeredNonce
            // A request repeating a NACKed nonce leaves the rejection standing.
            record.rejection = state.lastRejection
        }
    }

    private mutating func recordNack(_ type: TypeURL, _ rejection: RejectionRecord) {
        awaitingAck[type] = nil
        server.metrics.rejected(type)
        server.logger.warning(
            "proxy rejected configuration",
            metadata: [
                "proxy": "\(connection.proxy.id)", "type": "\(type.shortName)",
                "nonce": "\(rejection.nonce)", "error": "\(rejection.message)",
            ]
        )
        connection.update(type) { record in
            record.rejection = rejection
        }
    }

    /// nil stands for "every name".
    static func intersect(_ lhs: Set<String>?, _ rhs: Set<String>?) -> Set<String>? {
        switch (lhs, rhs) {
        case (nil, nil): nil
        case (let names?, nil), (nil, let names?): names
        case (let a?, let b?): a.intersection(b)
        }
    }
}
