/// Discovery: the Kubernetes and directory sources and the typed ConfigStore they fill.
/// Its contents arrive with the discovery issue; the target exists so the layout is fixed.
public enum DiscoveryModule {}
