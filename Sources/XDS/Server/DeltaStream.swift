import Foundation
import GRPCCore
import Logging

typealias DeltaDiscoveryRequest = Envoy_Service_Discovery_V3_DeltaDiscoveryRequest
typealias DeltaDiscoveryResponse = Envoy_Service_Discovery_V3_DeltaDiscoveryResponse

/// The incremental protocol on one stream: a `DeltaState` per type, the provider's
/// resources, and the writer.
struct DeltaStream: StreamHandler {
    let server: XDSServer
    let connection: XDSConnection
    let writer: RPCWriter<DeltaDiscoveryResponse>
    private var states: [TypeURL: DeltaState] = [:]
    private var awaitingAck: [TypeURL: ContinuousClock.Instant] = [:]
    /// Set on a single-type service (SDS): other types are not served there.
    private let only: TypeURL?

    init(server: XDSServer, connection: XDSConnection, writer: RPCWriter<DeltaDiscoveryResponse>, only: TypeURL? = nil) {
        self.server = server
        self.connection = connection
        self.writer = writer
        self.only = only
    }

    mutating func handle(_ request: DeltaDiscoveryRequest) async throws {
        let type = TypeURL(request.typeURL)
        guard server.serves(type, only: only, on: connection) else { return }
        guard var state = states[type] else {
            states[type] = DeltaState(
                typeURL: type,
                subscribe: request.resourceNamesSubscribe,
                initialVersions: request.initialResourceVersions
            )
            if !request.initialResourceVersions.isEmpty {
                // A reconnecting client already holds these: it is in sync unless the
                // response below says otherwise.
                let held = XDSResource.setVersion(request.initialResourceVersions)
                connection.update(type) { record in
                    record.ackedVersion = held
                    record.sentVersion = held
                }
            }
            try await send(type, scope: .all, triggeredAt: .now)
            return
        }
        let outcome = state.receive(
            subscribe: request.resourceNamesSubscribe,
            unsubscribe: request.resourceNamesUnsubscribe,
            nonce: request.responseNonce,
            errorMessage: request.hasErrorDetail ? request.errorDetail.message : nil,
            errorCode: request.errorDetail.code
        )
        states[type] = state
        switch outcome.answer {
        case .none:
            break
        case .ack:
            if let triggeredAt = awaitingAck.removeValue(forKey: type) {
                server.metrics.converged(after: .now - triggeredAt)
            }
            let acked = state.acked
            connection.update(type) { record in
                record.ackedVersion = XDSResource.setVersion(acked)
                record.ackedNonce = request.responseNonce
                record.rejection = nil
            }
        case .nack(let rejection):
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
        case .stale:
            server.metrics.expiredNonce(type)
        }
        if let scope = outcome.respond {
            try await send(type, scope: scope, triggeredAt: .now)
        }
    }

    mutating func push(_ pending: PendingPush) async throws {
        let types = pending.orderedTypes.filter { states[$0] != nil }
        // Removed clusters go only after listeners and routes stop naming them.
        let holdRemovedClusters = types.contains(.cluster)
            && (types.contains(.listener) || types.contains(.route))
        var heldRemovals = false
        for type in types {
            let scope: DeltaState.Scope = (pending.types[type] ?? nil).map { .names($0) } ?? .all
            let hold = type == .cluster && holdRemovedClusters
            let held = try await send(type, scope: scope, triggeredAt: pending.triggeredAt, holdRemovals: hold)
            heldRemovals = heldRemovals || held
        }
        if heldRemovals {
            try await send(.cluster, scope: .all, triggeredAt: pending.triggeredAt)
        }
    }

    /// Generates and, if anything differs from what the client holds, sends one response.
    /// - Returns: whether removals were held back (`holdRemovals`).
    @discardableResult
    private mutating func send(
        _ type: TypeURL,
        scope: DeltaState.Scope,
        triggeredAt: ContinuousClock.Instant,
        holdRemovals: Bool = false
    ) async throws -> Bool {
        guard let state = states[type] else { return false }
        let started = ContinuousClock.now
        let names = StateOfTheWorldStream.intersect(scope.names, state.requestedNames)
        guard let generated = await server.generate(type, names: names, for: connection) else { return false }
        guard let selected = state.selectForSend(generated, scope: scope) else {
            return false
        }
        let resources = selected.resources
        var removed = selected.removed
        var held = false
        if holdRemovals && !removed.isEmpty {
            removed = []
            held = true
            if resources.isEmpty { return true }
        }

        var response = DeltaDiscoveryResponse()
        response.typeURL = type.rawValue
        response.nonce = server.nextNonce()
        response.removedResources = removed
        response.resources = resources.map { resource in
            var wire = Envoy_Service_Discovery_V3_Resource()
            wire.name = resource.name
            wire.version = resource.version
            wire.resource = resource.any
            return wire
        }
        response.controlPlane.identifier = server.controlPlaneIdentifier

        let sendStarted = ContinuousClock.now
        try await writer.write(response)
        let sent = ContinuousClock.now

        states[type]!.didSend(resources, removed: removed, nonce: response.nonce)
        awaitingAck[type] = triggeredAt
        let holdings = states[type]!.clientHas
        connection.update(type) { record in
            record.sentVersion = XDSResource.setVersion(holdings)
            record.sentNonce = response.nonce
            record.sentAt = Date()
            record.responses += 1
            for resource in resources {
                record.resources[resource.name] = resource
            }
            for name in removed {
                record.resources[name] = nil
            }
        }
        server.metrics.pushed(
            type,
            bytes: resources.reduce(0) { $0 + $1.payload.count },
            pushDuration: sent - started,
            sendDuration: sent - sendStarted
        )
        return held
    }
}
