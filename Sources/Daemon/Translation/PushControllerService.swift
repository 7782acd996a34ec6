import ControlPlane
import ServiceLifecycle

/// Runs the push controller under service-lifecycle, stopping on shutdown. Proxies
/// are answered once every configuration source has synced.
struct PushControllerService: Service {
    let controller: PushController
    let readiness: Readiness

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await controller.run(waitingFor: { await readiness.waitUntilSynced() })
        }
    }
}
