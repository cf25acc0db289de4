package dev.sightline.otlp.receiver;

import com.google.protobuf.Message;
import dev.sightline.core.storage.TelemetryWriter;
import dev.sightline.otlp.MappedBatch;
import dev.sightline.otlp.OtlpDecodeException;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What differs between the three OTLP signals: decoding, mapping to the core model, the storage
 * call and the response message. One instance per signal, shared by the HTTP and gRPC receivers.
 */
interface SignalCodec<T> {

  /** The self-telemetry label: spans, logs or metrics (data points). */
  String label();

  /** The OTLP/HTTP path, e.g. {@code /v1/traces}. */
  String httpPath();

  /** The gRPC service name, e.g. {@code opentelemetry.proto.collector.trace.v1.TraceService}. */
  String grpcServiceName();

  /**
   * Decodes a request body (protobuf or OTLP/JSON), validates it and maps it for {@code tenant}.
   */
  MappedBatch<T> decode(byte[] body, boolean json, String tenant) throws OtlpDecodeException;

  CompletableFuture<Void> write(TelemetryWriter writer, List<T> items);

  /** The export response, with {@code partial_success} when items were rejected. */
  Message response(MappedBatch<T> batch);
}
