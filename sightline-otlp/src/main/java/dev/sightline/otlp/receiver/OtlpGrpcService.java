package dev.sightline.otlp.receiver;

import com.google.protobuf.Any;
import com.google.rpc.Code;
import com.google.rpc.RetryInfo;
import com.google.rpc.Status;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The gRPC {@code Export} method of one OTLP collector service. Requests arrive as raw bytes (a
 * pass-through marshaller) so that decoding errors become INVALID_ARGUMENT with a precise message,
 * exactly as on the HTTP path, instead of gRPC's generic INTERNAL. Overload answers UNAVAILABLE or
 * RESOURCE_EXHAUSTED with a {@code google.rpc.RetryInfo} detail.
 */
final class OtlpGrpcService<T> {
  private static final MethodDescriptor.Marshaller<byte[]> BYTES =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
          return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try {
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };

  private final SignalCodec<?, T> codec;
  private final IngestPipeline pipeline;

  OtlpGrpcService(SignalCodec<?, T> codec, IngestPipeline pipeline) {
    this.codec = codec;
    this.pipeline = pipeline;
  }

  ServerServiceDefinition definition() {
    MethodDescriptor<byte[], byte[]> export =
        MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(
                MethodDescriptor.generateFullMethodName(codec.grpcServiceName(), "Export"))
            .setRequestMarshaller(BYTES)
            .setResponseMarshaller(BYTES)
            .build();
    return ServerServiceDefinition.builder(codec.grpcServiceName())
        .addMethod(export, ServerCalls.asyncUnaryCall(this::export))
        .build();
  }

  private void export(byte[] request, StreamObserver<byte[]> observer) {
    long start = System.nanoTime();
    String tenant = RequestTenant.current();
    IngestOutcome.Throttled throttled = pipeline.reserve(request.length);
    CompletableFuture<IngestOutcome> outcome =
        throttled != null
            ? CompletableFuture.completedFuture(throttled)
            : pipeline.ingest(codec, Transport.GRPC, () -> request, false, tenant, request.length);
    outcome.whenComplete(
        (result, error) -> {
          String code;
          if (error != null) {
            code = Code.INTERNAL.name();
            observer.onError(
                StatusProto.toStatusRuntimeException(
                    status(Code.INTERNAL, "internal error: " + error, null)));
          } else if (result instanceof IngestOutcome.Accepted a) {
            code = Code.OK.name();
            observer.onNext(a.response().toByteArray());
            observer.onCompleted();
          } else if (result instanceof IngestOutcome.Invalid i) {
            code = Code.INVALID_ARGUMENT.name();
            observer.onError(
                StatusProto.toStatusRuntimeException(
                    status(Code.INVALID_ARGUMENT, i.message(), null)));
          } else if (result instanceof IngestOutcome.TooLarge t) {
            code = Code.RESOURCE_EXHAUSTED.name();
            observer.onError(
                StatusProto.toStatusRuntimeException(
                    status(Code.RESOURCE_EXHAUSTED, t.message(), null)));
          } else if (result instanceof IngestOutcome.Throttled t) {
            code = Code.RESOURCE_EXHAUSTED.name();
            observer.onError(
                StatusProto.toStatusRuntimeException(
                    status(Code.RESOURCE_EXHAUSTED, t.message(), t.retryAfter())));
          } else {
            IngestOutcome.Unavailable u = (IngestOutcome.Unavailable) result;
            code = Code.UNAVAILABLE.name();
            observer.onError(
                StatusProto.toStatusRuntimeException(
                    status(Code.UNAVAILABLE, u.message(), u.retryAfter())));
          }
          IngestMetrics m = pipeline.metrics();
          m.requests.labels(codec.label(), Transport.GRPC.label(), code).increment();
          m.requestDuration
              .labels(codec.label(), Transport.GRPC.label())
              .observeNanos(System.nanoTime() - start);
        });
  }

  private static Status status(Code code, String message, Duration retryAfter) {
    Status.Builder b = Status.newBuilder().setCode(code.getNumber()).setMessage(message);
    if (retryAfter != null) {
      b.addDetails(
          Any.pack(
              RetryInfo.newBuilder()
                  .setRetryDelay(
                      com.google.protobuf.Duration.newBuilder()
                          .setSeconds(retryAfter.getSeconds())
                          .setNanos(retryAfter.getNano()))
                  .build()));
    }
    return b.build();
  }
}
