package dev.sightline.server.api;

import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.DecoratingHttpServiceFunction;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.jspecify.annotations.Nullable;

/**
 * Conditional GETs for the JSON API: every successful {@code GET /api/v1/...} answer carries a weak
 * {@code ETag} (a digest of its body) and {@code Cache-Control: no-cache}; a request whose {@code
 * If-None-Match} names the current tag gets {@code 304 Not Modified} without a body.
 *
 * <p>This is what makes the UI's live pages cheap: they poll every few seconds and re-render only
 * when the answer changed (see sightline-ui's {@code usePoll}). Polling with ETags was chosen over
 * server-sent events because it needs no long-lived connection per open tab (the API has one event
 * loop and a bounded blocking pool), passes every proxy unchanged, goes through exactly the same
 * handlers, limits and errors as any other request, and a missed update cannot exist: the next poll
 * returns the state as it is. The cost is a delay of at most one poll interval.
 */
public final class ConditionalGet implements DecoratingHttpServiceFunction {
  /** The decorator; {@link ApiRoutes} puts it on every GET route. */
  public static final ConditionalGet INSTANCE = new ConditionalGet();

  private ConditionalGet() {}

  @Override
  public HttpResponse serve(HttpService delegate, ServiceRequestContext ctx, HttpRequest req)
      throws Exception {
    @Nullable String ifNoneMatch = req.headers().get(HttpHeaderNames.IF_NONE_MATCH);
    HttpResponse response = delegate.serve(ctx, req);
    return HttpResponse.of(
        response.aggregate().thenApply(agg -> withTag(agg, ifNoneMatch).toHttpResponse()));
  }

  static AggregatedHttpResponse withTag(AggregatedHttpResponse agg, @Nullable String ifNoneMatch) {
    if (agg.status() != HttpStatus.OK) return agg;
    String tag = tag(agg.content().array());
    if (ifNoneMatch != null && matches(ifNoneMatch, tag)) {
      return AggregatedHttpResponse.of(
          ResponseHeaders.builder(HttpStatus.NOT_MODIFIED)
              .set(HttpHeaderNames.ETAG, tag)
              .set(HttpHeaderNames.CACHE_CONTROL, "no-cache")
              .build());
    }
    ResponseHeaders headers =
        agg.headers().toBuilder()
            .set(HttpHeaderNames.ETAG, tag)
            .set(HttpHeaderNames.CACHE_CONTROL, "no-cache")
            .build();
    return AggregatedHttpResponse.of(headers, agg.content(), agg.trailers());
  }

  /** {@code If-None-Match} holds {@code *} or a list of tags (weak comparison, RFC 9110 13.1.2). */
  static boolean matches(String ifNoneMatch, String tag) {
    String opaque = opaque(tag);
    for (String candidate : ifNoneMatch.split(",")) {
      String c = candidate.strip();
      if (c.equals("*") || opaque(c).equals(opaque)) return true;
    }
    return false;
  }

  private static String opaque(String tag) {
    return tag.startsWith("W/") ? tag.substring(2) : tag;
  }

  static String tag(byte[] body) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(body);
      return "W/\"" + HexFormat.of().formatHex(d, 0, 12) + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
