/// The xDS server: Envoy's v3 wire types (generated from Protos/ into Generated/) and,
/// from the xDS issue on, the mesh-agnostic ADS server that serves them.
public enum XDSModule {}
