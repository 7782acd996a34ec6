public import Discovery
public import Hummingbird

/// Serves `/debug/configz` from a ConfigStore.
public enum ConfigzRoute {
    /// Adds `/debug/configz`, answering from `store`'s current snapshot, to `router`.
    public static func add(to router: Router<BasicRequestContext>, store: ConfigStore) {
        router.get("debug/configz") { _, _ -> Response in
            Response(
                status: .ok,
                headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(bytes: try ConfigzJSON.render(store.snapshot)))
            )
        }
    }
}
