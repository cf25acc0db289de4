package dev.sightline.otlp.receiver;

import com.google.protobuf.Message;
import com.google.rpc.Code;
import com.google.rpc.Status;
import com.linecorp.armeria.common.ContentTooLargeException;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.common.ResponseHeadersBuilder;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.sightline.otlp.OtlpJson;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.zip.GZIPInputStream;
import org.jspecify.annotations.Nullable;

/**
 * OTLP/HTTP for one signal: {@code POST} with {@code application/x-protobuf} or {@code
 * application/json}, optionally {@code Content-Encoding: gzip}. Answers in the request's content
 * type: the export response on success (with partial_success when items were rejected), a {@code
 * google.rpc.Status} otherwise (400 undecodable, 413 too large, 415 unsupported content type,
 * 429/503 with {@code Retry-After} when overloaded).
 */
final class OtlpHttpService<T> implements HttpService {
  static final MediaType PROTOBUF = MediaType.parse("application/x-protobuf");
  static final MediaType JSON = MediaType.JSON_UTF_8;

  private final SignalCodec<?, T> codec;
  private final IngestPipeline pipeline;
  private final long maxRequestBytes;

  OtlpHttpService(SignalCodec<?, T> codec, IngestPipeline pipeline, long maxRequestBytes) {
    this.codec = codec;
    this.pipeline = pipeline;
    this.maxRequestBytes = maxRequestBytes;
  }

  @Override
  public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) {
    long start = System.nanoTime();
    String tenant = RequestTenant.of(ctx);
    MediaType contentType = req.contentType();
    Boolean json = contentType == null ? null : isJson(contentType);
    if (json == null) {
      req.abort();
      return finish(
          start,
          Transport.HTTP_PROTOBUF,
          false,
          HttpStatus.UNSUPPORTED_MEDIA_TYPE,
          status(
              Code.INVALID_ARGUMENT,
              "unsupported Content-Type '"
                  + (contentType == null ? "" : contentType)
                  + "': OTLP/HTTP accepts application/x-protobuf or application/json"),
          null);
    }
    Transport transport = json ? Transport.HTTP_JSON : Transport.HTTP_PROTOBUF;
    String encoding = req.headers().get(HttpHeaderNames.CONTENT_ENCODING);
    boolean gzip;
    if (encoding == null || encoding.isBlank() || encoding.equalsIgnoreCase("identity")) {
      gzip = false;
    } else if (encoding.trim().equalsIgnoreCase("gzip")) {
      gzip = true;
    } else {
      req.abort();
      return finish(
          start,
          transport,
          json,
          HttpStatus.UNSUPPORTED_MEDIA_TYPE,
          status(
              Code.INVALID_ARGUMENT,
              "unsupported Content-Encoding '" + encoding + "': use gzip or none"),
          null);
    }
    // Reserve the declared size before buffering anything, so that a flood of large uploads is
    // refused up front rather than held in memory.
    long declared = Math.max(0, req.headers().contentLength());
    IngestOutcome.Throttled throttled = pipeline.reserve(declared);
    if (throttled != null) {
      req.abort();
      return respond(start, transport, json, throttled);
    }
    CompletableFuture<HttpResponse> response =
        req.aggregate()
            .handle(
                (agg, error) -> {
                  if (error != null) {
                    pipeline.release(declared);
                    return CompletableFuture.completedFuture(failed(start, transport, json, error));
                  }
                  byte[] wire = agg.content().array();
                  long reserved = declared;
                  if (wire.length > declared) {
                    // chunked upload (no Content-Length): account for it now
                    IngestOutcome.Throttled late = pipeline.reserve(wire.length - declared);
                    if (late != null) {
                      pipeline.release(declared);
                      return CompletableFuture.completedFuture(
                          respond(start, transport, json, late));
                    }
                    reserved = wire.length;
                  }
                  IngestPipeline.BodySource body =
                      gzip ? () -> gunzip(wire, maxRequestBytes) : () -> wire;
                  return pipeline
                      .ingest(codec, transport, body, json, tenant, reserved)
                      .thenApply(outcome -> respond(start, transport, json, outcome));
                })
            .thenCompose(f -> f);
    return HttpResponse.of(response);
  }

  private HttpResponse respond(long start, Transport transport, boolean json, IngestOutcome o) {
    if (o instanceof IngestOutcome.Accepted a) {
      return finish(start, transport, json, HttpStatus.OK, a.response(), null);
    }
    HttpStatus httpStatus;
    Status body;
    Duration retryAfter = null;
    if (o instanceof IngestOutcome.Invalid i) {
      httpStatus = HttpStatus.BAD_REQUEST;
      body = status(Code.INVALID_ARGUMENT, i.message());
    } else if (o instanceof IngestOutcome.TooLarge t) {
      httpStatus = HttpStatus.REQUEST_ENTITY_TOO_LARGE;
      body = status(Code.INVALID_ARGUMENT, t.message());
    } else if (o instanceof IngestOutcome.Throttled t) {
      httpStatus = HttpStatus.TOO_MANY_REQUESTS;
      body = status(Code.RESOURCE_EXHAUSTED, t.message());
      retryAfter = t.retryAfter();
    } else {
      IngestOutcome.Unavailable u = (IngestOutcome.Unavailable) o;
      httpStatus = HttpStatus.SERVICE_UNAVAILABLE;
      body = status(Code.UNAVAILABLE, u.message());
      retryAfter = u.retryAfter();
    }
    return finish(start, transport, json, httpStatus, body, retryAfter);
  }

  private HttpResponse failed(long start, Transport transport, boolean json, Throwable error) {
    Throwable cause =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (cause instanceof ContentTooLargeException) {
      return finish(
          start,
          transport,
          json,
          HttpStatus.REQUEST_ENTITY_TOO_LARGE,
          status(Code.INVALID_ARGUMENT, tooLargeMessage(maxRequestBytes)),
          null);
    }
    return finish(
        start,
        transport,
        json,
        HttpStatus.BAD_REQUEST,
        status(Code.INVALID_ARGUMENT, "could not read the request body: " + cause),
        null);
  }

  private HttpResponse finish(
      long start,
      Transport transport,
      boolean json,
      HttpStatus httpStatus,
      Message body,
      @Nullable Duration retryAfter) {
    IngestMetrics m = pipeline.metrics();
    m.requests
        .labels(codec.label(), transport.label(), Integer.toString(httpStatus.code()))
        .increment();
    m.requestDuration
        .labels(codec.label(), transport.label())
        .observeNanos(System.nanoTime() - start);
    ResponseHeadersBuilder headers =
        ResponseHeaders.builder(httpStatus).contentType(json ? JSON : PROTOBUF);
    if (retryAfter != null) {
      headers.set(HttpHeaderNames.RETRY_AFTER, Long.toString(Math.max(1, retryAfter.toSeconds())));
    }
    byte[] bytes = json ? OtlpJson.encode(body) : body.toByteArray();
    return HttpResponse.of(headers.build(), HttpData.wrap(bytes));
  }

  static String tooLargeMessage(long limit) {
    return "request body exceeds the limit of " + limit + " bytes";
  }

  static Status status(Code code, String message) {
    return Status.newBuilder().setCode(code.getNumber()).setMessage(message).build();
  }

  /** True for JSON, false for protobuf, null for anything else. */
  static @Nullable Boolean isJson(MediaType type) {
    if (!type.type().equals("application")) return null;
    String sub = type.subtype().toLowerCase(Locale.ROOT);
    if (sub.equals("x-protobuf") || sub.equals("protobuf")) return false;
    if (sub.equals("json")) return true;
    return null;
  }

  static byte[] gunzip(byte[] compressed, long limit) throws IOException {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(compressed), 8192)) {
      int initial = (int) Math.min(limit, Math.min(Integer.MAX_VALUE - 8, 4L * compressed.length));
      ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, initial));
      byte[] buf = new byte[16384];
      long total = 0;
      int n;
      while ((n = in.read(buf)) > 0) {
        total += n;
        if (total > limit) {
          throw new IngestPipeline.BodyTooLargeException(
              "decompressed request body exceeds the limit of " + limit + " bytes");
        }
        out.write(buf, 0, n);
      }
      return out.toByteArray();
    }
  }
}
