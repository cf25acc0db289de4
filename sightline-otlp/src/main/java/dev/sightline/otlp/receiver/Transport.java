package dev.sightline.otlp.receiver;

/** How a request arrived; a label of the receiver's self-telemetry. */
public enum Transport {
  GRPC("grpc"),
  HTTP_PROTOBUF("http_protobuf"),
  HTTP_JSON("http_json");

  private final String label;

  Transport(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
