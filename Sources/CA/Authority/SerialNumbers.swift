import Crypto
public import X509

extension Certificate.SerialNumber {
    /// A random positive 128-bit serial, as RFC 5280 recommends for unpredictability
    /// and Istio uses: two certificates from this CA never share one in practice.
    public static func random128() -> Certificate.SerialNumber {
        var generator = SystemRandomNumberGenerator()
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        // Positive in DER, and never leading with a zero byte.
        bytes[0] = (bytes[0] & 0x7F) | 0x40
        return Certificate.SerialNumber(bytes: bytes)
    }
}
