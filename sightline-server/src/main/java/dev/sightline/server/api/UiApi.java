package dev.sightline.server.api;

import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.common.ResponseHeadersBuilder;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.ServiceRequestContext;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Serves the web UI on the API listener, same origin as {@code /api/v1}: hashed files under {@code
 * /assets/} cached for a year ({@code immutable}), {@code index.html} with {@code no-cache} for
 * every other path (client-side routing), the precompressed {@code .gz} when the client accepts
 * gzip, an entity tag on every file (a matching {@code If-None-Match} gets a 304). Bind it after
 * the API: {@code /api/...}, {@code /healthz} keep their own routes (an unknown {@code /api/} path
 * stays a JSON 404), and {@code GET /metrics} stays Prometheus text except for a browser asking for
 * HTML, which gets the UI's metrics page.
 */
public final class UiApi {
  static final String IMMUTABLE = "public, max-age=31536000, immutable";
  static final String NO_CACHE = "no-cache";

  private final UiAssets assets;

  public UiApi(UiAssets assets) {
    this.assets = assets;
  }

  public void bind(ServerBuilder sb) {
    HttpService ui = this::serve;
    // a browser opening /metrics (the UI page) asks for HTML; Prometheus never does
    sb.route()
        .methods(HttpMethod.GET, HttpMethod.HEAD)
        .path("/metrics")
        .matchesHeaders(HttpHeaderNames.ACCEPT, UiApi::acceptsHtml)
        .build(ui);
    sb.route().methods(HttpMethod.GET, HttpMethod.HEAD).pathPrefix("/").build(ui);
  }

  private HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) {
    if (!assets.present()) {
      return HttpResponse.of(
          HttpStatus.NOT_FOUND,
          MediaType.PLAIN_TEXT_UTF_8,
          "This server was built without the web UI (module sightline-ui); the API is at /api/v1.\n");
    }
    String path = ctx.path();
    if (path.startsWith("/assets/")) {
      UiAssets.Asset asset = assets.get(path.substring(1));
      if (asset == null) {
        return HttpResponse.of(
            HttpStatus.NOT_FOUND, MediaType.PLAIN_TEXT_UTF_8, "no such UI asset: " + path + "\n");
      }
      return send(req, asset, IMMUTABLE);
    }
    UiAssets.Asset file = path.equals("/") ? null : assets.get(path.substring(1));
    if (file != null && !path.equals("/files.txt")) return send(req, file, NO_CACHE);
    return send(req, assets.get("index.html"), NO_CACHE);
  }

  private static HttpResponse send(HttpRequest req, UiAssets.@Nullable Asset asset, String cache) {
    if (asset == null) throw new IllegalStateException("index.html vanished");
    String ifNoneMatch = req.headers().get(HttpHeaderNames.IF_NONE_MATCH);
    if (ifNoneMatch != null && matches(ifNoneMatch, asset.etag())) {
      return HttpResponse.of(
          ResponseHeaders.builder(HttpStatus.NOT_MODIFIED)
              .set(HttpHeaderNames.ETAG, asset.etag())
              .set(HttpHeaderNames.CACHE_CONTROL, cache)
              .build());
    }
    boolean gzip =
        asset.gzip() != null && acceptsGzip(req.headers().get(HttpHeaderNames.ACCEPT_ENCODING));
    byte[] body = gzip ? asset.gzip() : asset.bytes();
    ResponseHeadersBuilder headers =
        ResponseHeaders.builder(HttpStatus.OK)
            .contentType(asset.mediaType())
            .set(HttpHeaderNames.CACHE_CONTROL, cache)
            .set(HttpHeaderNames.ETAG, asset.etag())
            .set(HttpHeaderNames.X_CONTENT_TYPE_OPTIONS, "nosniff");
    if (asset.gzip() != null) headers.set(HttpHeaderNames.VARY, "Accept-Encoding");
    if (gzip) headers.set(HttpHeaderNames.CONTENT_ENCODING, "gzip");
    if (req.method() == HttpMethod.HEAD) {
      return HttpResponse.of(headers.contentLength(body.length).build());
    }
    return HttpResponse.of(headers.build(), HttpData.wrap(body));
  }

  /** True when an {@code If-None-Match} value names {@code etag} (or is {@code *}). */
  static boolean matches(String ifNoneMatch, String etag) {
    for (String tag : ifNoneMatch.split(",")) {
      String t = tag.strip();
      if (t.startsWith("W/")) t = t.substring(2);
      if (t.equals("*") || t.equals(etag)) return true;
    }
    return false;
  }

  /** True when an {@code Accept-Encoding} value accepts gzip (a {@code q=0} refuses it). */
  static boolean acceptsGzip(@Nullable String acceptEncoding) {
    if (acceptEncoding == null) return false;
    boolean star = false;
    for (String part : acceptEncoding.toLowerCase(Locale.ROOT).split(",")) {
      String[] fields = part.split(";");
      String coding = fields[0].strip();
      boolean refused = false;
      for (int i = 1; i < fields.length; i++) {
        String f = fields[i].strip().replace(" ", "");
        if (f.matches("q=0(\\.0*)?")) refused = true;
      }
      if (coding.equals("gzip") || coding.equals("x-gzip")) return !refused;
      if (coding.equals("*")) star = !refused;
    }
    return star;
  }

  static boolean acceptsHtml(@Nullable String accept) {
    return accept != null && accept.toLowerCase(Locale.ROOT).contains("text/html");
  }
}
