/// The control plane: the mesh model, PushContext and the Envoy generators. Its contents
/// arrive with the translation issue; the target exists so the layout is fixed.
public enum ControlPlaneModule {}
