package dev.sightline.otlp.receiver;

import com.google.rpc.Code;
import com.google.rpc.Status;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.ServerErrorHandler;
import com.linecorp.armeria.server.ServiceConfig;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.sightline.otlp.OtlpJson;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Renders the statuses Armeria answers by itself on OTLP/HTTP paths (a body over the limit is
 * refused before any service runs) as the {@code google.rpc.Status} the OTLP specification
 * requires, in the request's content type, and counts them.
 */
final class OtlpStatusRenderer implements ServerErrorHandler {
  private final List<SignalCodec<?, ?>> codecs;
  private final IngestMetrics metrics;
  private final long maxRequestBytes;

  OtlpStatusRenderer(List<SignalCodec<?, ?>> codecs, IngestMetrics metrics, long maxRequestBytes) {
    this.codecs = codecs;
    this.metrics = metrics;
    this.maxRequestBytes = maxRequestBytes;
  }

  @Override
  public @Nullable HttpResponse onServiceException(ServiceRequestContext ctx, Throwable cause) {
    return null; // Armeria's default handling
  }

  @Override
  public @Nullable AggregatedHttpResponse renderStatus(
      @Nullable ServiceRequestContext ctx,
      ServiceConfig config,
      @Nullable RequestHeaders headers,
      HttpStatus status,
      @Nullable String description,
      @Nullable Throwable cause) {
    if (headers == null) return null;
    SignalCodec<?, ?> codec = codecFor(headers.path());
    if (codec == null) return null;
    MediaType type = headers.contentType();
    Boolean isJson = type == null ? null : OtlpHttpService.isJson(type);
    boolean json = Boolean.TRUE.equals(isJson);
    String message =
        status == HttpStatus.REQUEST_ENTITY_TOO_LARGE
            ? OtlpHttpService.tooLargeMessage(maxRequestBytes)
            : description != null ? description : status.reasonPhrase();
    Status body =
        OtlpHttpService.status(
            status.code() == 429
                ? Code.RESOURCE_EXHAUSTED
                : status.isServerError() ? Code.UNAVAILABLE : Code.INVALID_ARGUMENT,
            message);
    Transport transport = json ? Transport.HTTP_JSON : Transport.HTTP_PROTOBUF;
    metrics
        .requests
        .labels(codec.label(), transport.label(), Integer.toString(status.code()))
        .increment();
    return AggregatedHttpResponse.of(
        ResponseHeaders.builder(status)
            .contentType(json ? OtlpHttpService.JSON : OtlpHttpService.PROTOBUF)
            .build(),
        HttpData.wrap(json ? OtlpJson.encode(body) : body.toByteArray()));
  }

  private @Nullable SignalCodec<?, ?> codecFor(String path) {
    int q = path.indexOf('?');
    String p = q < 0 ? path : path.substring(0, q);
    for (SignalCodec<?, ?> codec : codecs) {
      if (p.equals(codec.httpPath()) || p.equals("/bench/discard" + codec.httpPath())) return codec;
    }
    return null;
  }
}
