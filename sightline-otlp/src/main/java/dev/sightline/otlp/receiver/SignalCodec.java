package dev.sightline.otlp.receiver;

import com.google.protobuf.Message;
import dev.sightline.core.storage.TelemetryWriter;
import dev.sightline.otlp.MappedBatch;
import dev.sightline.otlp.OtlpDecodeException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * What differs between the three OTLP signals: decoding, mapping to the core model, the storage
 * call and the response message. One instance per signal ({@link SignalCodecs}), shared by the HTTP
 * and gRPC receivers.
 *
 * @param label the self-telemetry label: spans, logs or metrics (data points)
 * @param httpPath the OTLP/HTTP path, e.g. {@code /v1/traces}
 * @param grpcServiceName e.g. {@code opentelemetry.proto.collector.trace.v1.TraceService}
 * @param protobufDirect when present, decodes and maps a protobuf body in one pass without the
 *     generated message classes (and replaces {@code protobuf} + {@code mapper} for protobuf
 *     bodies, HTTP and gRPC alike); it must give the same result and reject the same bodies
 */
record SignalCodec<R extends Message, T>(
    String label,
    String httpPath,
    String grpcServiceName,
    Decoder<R> protobuf,
    Decoder<R> json,
    BiFunction<R, String, MappedBatch<T>> mapper,
    @Nullable DirectDecoder<T> protobufDirect,
    BiFunction<TelemetryWriter, List<T>, CompletableFuture<Void>> writer,
    Function<MappedBatch<T>, Message> responder) {

  /** Decodes a request body of one encoding. */
  @FunctionalInterface
  interface Decoder<R> {
    R decode(byte[] body) throws OtlpDecodeException;
  }

  /** Decodes a protobuf body, validates and maps it for {@code tenant}, in one pass. */
  @FunctionalInterface
  interface DirectDecoder<T> {
    MappedBatch<T> decode(byte[] body, String tenant) throws OtlpDecodeException;
  }

  /**
   * Decodes a request body (protobuf or OTLP/JSON), validates it and maps it for {@code tenant}.
   */
  MappedBatch<T> decode(byte[] body, boolean isJson, String tenant) throws OtlpDecodeException {
    if (!isJson && protobufDirect != null) return protobufDirect.decode(body, tenant);
    R request = isJson ? json.decode(body) : protobuf.decode(body);
    return mapper.apply(request, tenant);
  }

  CompletableFuture<Void> write(TelemetryWriter target, List<T> items) {
    return writer.apply(target, items);
  }

  /** The export response, with {@code partial_success} when items were rejected. */
  Message response(MappedBatch<T> batch) {
    return responder.apply(batch);
  }
}
