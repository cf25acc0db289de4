package dev.sightline.otlp;

/**
 * The request body cannot be decoded as an OTLP export request: malformed JSON or protobuf, a value
 * of the wrong type, an empty JSON body. The whole request is rejected (HTTP 400, gRPC
 * INVALID_ARGUMENT); the message says where and what, and is safe to return to the client.
 */
public final class OtlpDecodeException extends Exception {
  private static final long serialVersionUID = 1L;

  public OtlpDecodeException(String message) {
    super(message);
  }

  public OtlpDecodeException(String message, Throwable cause) {
    super(message, cause);
  }
}
