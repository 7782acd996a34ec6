/// The certificate authority: Istio's CA service types (generated from Protos/ into
/// Generated/) and, from the CA issue on, root lifecycle and CSR signing.
public enum CAModule {}
