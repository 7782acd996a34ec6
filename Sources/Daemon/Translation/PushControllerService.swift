import ControlPlane
import ServiceLifecycle

/// Runs the push controller under service-lifecycle, stopping on shutdown.
struct PushControllerService: Service {
    let controller: PushController

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await controller.run()
        }
    }
}
