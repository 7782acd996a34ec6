public import ControlPlane
import Foundation
public import Hummingbird

/// `/debug/push_status`: the last push — when, why, how many proxies, how long.
public enum PushStatusRoute {
    public static func add(to router: Router<BasicRequestContext>, controller: PushController) {
        router.get("debug/push_status") { _, _ -> Response in
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            encoder.dateEncodingStrategy = .iso8601
            let body: Data
            if let status = controller.lastPush {
                body = try encoder.encode(status)
            } else {
                body = Data("{}".utf8)
            }
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(bytes: body + Data("\n".utf8))))
        }
    }
}
