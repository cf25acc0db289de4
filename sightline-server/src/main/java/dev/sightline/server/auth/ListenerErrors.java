package dev.sightline.server.auth;

import com.google.rpc.Code;
import com.google.rpc.Status;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.common.ResponseHeadersBuilder;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.sightline.otlp.OtlpJson;
import dev.sightline.query.QueryService;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The answer of a decorator that refuses a request before any service sees it, in the listener's
 * own shape (docs/api.md, Authentication): the API's {@code {"error": {...}}} JSON (also for {@code
 * /metrics}), OTLP/HTTP's {@code google.rpc.Status} in the request's content type, and for gRPC a
 * trailers-only answer (HTTP 200, {@code grpc-status}), which every gRPC client reads as a status:
 * a plain HTTP error from a decorator (which runs before Armeria's GrpcService could translate
 * anything) reaches the OpenTelemetry Java SDK as INTERNAL "Unsupported gRPC message encoding:
 * null" (tried with SDK 1.67), hiding the cause. Shared by {@link AuthDecorator} and {@link
 * TenantHeaderDecorator}.
 */
final class ListenerErrors {
  /** The help of {@code sightline_auth_denied_total}, counted by both decorators. */
  static final String DENIED_HELP =
      "Requests refused by authentication (401), authorization (403) or a bad tenant header (400).";

  private ListenerErrors() {}

  /** The gRPC code of an HTTP status a decorator answers with. */
  static Code grpcCode(int status) {
    return switch (status) {
      case 400 -> Code.INVALID_ARGUMENT;
      case 401 -> Code.UNAUTHENTICATED;
      case 403 -> Code.PERMISSION_DENIED;
      default -> Code.UNKNOWN;
    };
  }

  /**
   * Aborts {@code req} and answers {@code status} with {@code message} in the shape of {@code
   * listener}; a 401 carries {@code WWW-Authenticate: wwwAuthenticate} when that is not null.
   */
  static HttpResponse deny(
      AuthDecorator.Listener listener,
      ServiceRequestContext ctx,
      HttpRequest req,
      int status,
      String message,
      @org.jspecify.annotations.Nullable String wwwAuthenticate) {
    req.abort();
    MediaType contentType = req.contentType();
    Code code = grpcCode(status);
    boolean grpc =
        contentType != null
            && contentType.subtype().toLowerCase(Locale.ROOT).startsWith("grpc")
            && contentType.type().equals("application");
    if (grpc) return grpcStatus(code, message);
    ResponseHeadersBuilder headers = ResponseHeaders.builder(HttpStatus.valueOf(status));
    if (status == 401 && wwwAuthenticate != null) {
      headers.set(HttpHeaderNames.WWW_AUTHENTICATE, wwwAuthenticate);
    }
    headers.set(HttpHeaderNames.CACHE_CONTROL, "no-store");
    if (listener != AuthDecorator.Listener.API && !ctx.path().equals("/metrics")) {
      // OTLP/HTTP answers errors as google.rpc.Status in the request's content type
      Status body = Status.newBuilder().setCode(code.getNumber()).setMessage(message).build();
      boolean json =
          contentType != null && contentType.subtype().toLowerCase(Locale.ROOT).equals("json");
      headers.contentType(json ? MediaType.JSON_UTF_8 : MediaType.parse("application/x-protobuf"));
      return HttpResponse.of(
          headers.build(), HttpData.wrap(json ? OtlpJson.encode(body) : body.toByteArray()));
    }
    headers.contentType(MediaType.JSON_UTF_8);
    return HttpResponse.of(
        headers.build(), HttpData.wrap(QueryService.error(status, null, message).json()));
  }

  /** A trailers-only gRPC answer: HTTP 200 whose only headers carry the status. */
  static HttpResponse grpcStatus(Code code, String message) {
    return HttpResponse.of(
        ResponseHeaders.builder(HttpStatus.OK)
            .contentType(MediaType.parse("application/grpc+proto"))
            .set("grpc-status", Integer.toString(code.getNumber()))
            .set("grpc-message", percentEncode(message))
            .build());
  }

  /** gRPC's percent-encoding of {@code grpc-message}: bytes outside 0x20..0x7e and '%'. */
  static String percentEncode(String message) {
    StringBuilder sb = new StringBuilder();
    for (byte b : message.getBytes(StandardCharsets.UTF_8)) {
      if (b >= 0x20 && b <= 0x7e && b != '%') sb.append((char) b);
      else sb.append('%').append(String.format("%02X", b & 0xff));
    }
    return sb.toString();
  }
}
