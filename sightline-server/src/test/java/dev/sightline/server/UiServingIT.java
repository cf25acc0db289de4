package dev.sightline.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The web UI served by a real server on its API listener, beside the JSON API. */
class UiServingIT {
  @TempDir static Path dataDir;
  static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start(dataDir);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static HttpResponse<byte[]> get(String path, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.api() + path)).GET();
    for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
    try {
      return TestServer.HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static String text(HttpResponse<byte[]> r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  static String header(HttpResponse<byte[]> r, String name) {
    return r.headers().firstValue(name).orElse(null);
  }

  static String indexHtml() {
    return text(get("/"));
  }

  /** The hashed script the page loads, e.g. {@code /assets/index-BN6j4Ppi.js}. */
  static String scriptPath() {
    Matcher m = Pattern.compile("src=\"(/assets/[^\"]+\\.js)\"").matcher(indexHtml());
    assertThat(m.find()).as("index.html loads a hashed script").isTrue();
    return m.group(1);
  }

  @Test
  void rootServesIndexHtmlWithoutCaching() {
    HttpResponse<byte[]> r = get("/");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(header(r, "content-type")).startsWith("text/html");
    assertThat(header(r, "cache-control")).isEqualTo("no-cache");
    assertThat(text(r)).contains("<div id=\"app\"></div>");
  }

  @Test
  void indexHtmlRevalidatesWithItsEntityTag() {
    String etag = header(get("/"), "etag");
    assertThat(etag).matches("\"[0-9a-f]{32}\"");
    HttpResponse<byte[]> again = get("/traces", "If-None-Match", etag);
    assertThat(again.statusCode()).isEqualTo(304);
    assertThat(again.body()).isEmpty();
    assertThat(header(again, "cache-control")).isEqualTo("no-cache");
    assertThat(get("/traces", "If-None-Match", "\"stale\"").statusCode()).isEqualTo(200);
  }

  @Test
  void apiAnswersCarryAnEntityTagAndRevalidateTo304UntilTheAnswerChanges() {
    HttpResponse<byte[]> first = get("/api/v1/incidents");
    assertThat(first.statusCode()).isEqualTo(200);
    String etag = header(first, "etag");
    assertThat(etag).startsWith("W/\"");
    assertThat(header(first, "cache-control")).isEqualTo("no-cache");

    HttpResponse<byte[]> same = get("/api/v1/incidents", "If-None-Match", etag);
    assertThat(same.statusCode()).isEqualTo(304);
    assertThat(same.body()).isEmpty();
    assertThat(header(same, "etag")).isEqualTo(etag);
    // a list of tags, one of them current, and the strong form of the weak tag match too
    assertThat(get("/api/v1/incidents", "If-None-Match", "W/\"x\", " + etag).statusCode())
        .isEqualTo(304);
    assertThat(get("/api/v1/incidents", "If-None-Match", etag.substring(2)).statusCode())
        .isEqualTo(304);

    // another answer, another tag: a stale tag gets the full answer
    HttpResponse<byte[]> other = get("/api/v1/alerts", "If-None-Match", etag);
    assertThat(other.statusCode()).isEqualTo(200);
    assertThat(header(other, "etag")).isNotEqualTo(etag);
    // errors are never tagged
    HttpResponse<byte[]> bad = get("/api/v1/incidents?status=nope", "If-None-Match", "*");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(header(bad, "etag")).isNull();
  }

  @Test
  void everyUiRouteServesIndexHtml() {
    String index = indexHtml();
    for (String path :
        new String[] {
          "/traces?service=frontend&start=now-1h",
          "/traces/5b8efff798038103d269b633813fc60c?span=eee19b7ec3c1b174",
          "/service-map",
          "/services/order",
          "/logs?severityMin=WARN",
          "/no/such/page"
        }) {
      HttpResponse<byte[]> r = get(path);
      assertThat(r.statusCode()).as(path).isEqualTo(200);
      assertThat(header(r, "cache-control")).as(path).isEqualTo("no-cache");
      assertThat(text(r)).as(path).isEqualTo(index);
    }
  }

  @Test
  void hashedAssetsAreImmutableAndTyped() {
    HttpResponse<byte[]> r = get(scriptPath());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(header(r, "cache-control")).isEqualTo("public, max-age=31536000, immutable");
    assertThat(header(r, "content-type")).startsWith("text/javascript");
    assertThat(header(r, "content-encoding")).isNull();
    assertThat(r.body().length).isGreaterThan(10_000);
  }

  @Test
  void gzipIsServedPrecompressedWhenAccepted() throws IOException {
    String path = scriptPath();
    byte[] plain = get(path).body();
    HttpResponse<byte[]> r = get(path, "Accept-Encoding", "br, gzip;q=0.8");
    assertThat(header(r, "content-encoding")).isEqualTo("gzip");
    assertThat(header(r, "vary")).isEqualTo("Accept-Encoding");
    assertThat(r.body().length).isLessThan(plain.length / 2);
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(r.body()))) {
      assertThat(in.readAllBytes()).isEqualTo(plain);
    }
    HttpResponse<byte[]> refused = get(path, "Accept-Encoding", "gzip;q=0, br");
    assertThat(header(refused, "content-encoding")).isNull();
    assertThat(refused.body()).isEqualTo(plain);
    HttpResponse<byte[]> index = get("/logs", "Accept-Encoding", "gzip");
    assertThat(header(index, "content-encoding")).isEqualTo("gzip");
    assertThat(header(index, "cache-control")).isEqualTo("no-cache");
  }

  @Test
  void unknownAssetsAndApiPathsAre404NotThePage() {
    HttpResponse<byte[]> asset = get("/assets/index-doesnotexist.js");
    assertThat(asset.statusCode()).isEqualTo(404);
    assertThat(text(asset)).doesNotContain("<div id=\"app\">");
    HttpResponse<byte[]> api = get("/api/v1/nope");
    assertThat(api.statusCode()).isEqualTo(404);
    assertThat(header(api, "content-type")).startsWith("application/json");
    assertThat(text(api)).contains("\"error\"").contains("no such endpoint");
    assertThat(get("/api/v1/services").statusCode()).isEqualTo(200);
    assertThat(text(get("/healthz"))).contains("\"status\"");
  }

  @Test
  void metricsIsPrometheusTextUnlessABrowserAsksForTheMetricsPage() {
    HttpResponse<byte[]> scrape =
        get("/metrics", "Accept", "text/plain;version=0.0.4;q=0.5,*/*;q=0.1");
    assertThat(header(scrape, "content-type")).startsWith("text/plain");
    assertThat(text(scrape)).contains("sightline_receiver_items_stored_total");
    HttpResponse<byte[]> page =
        get("/metrics?name=orders.placed", "Accept", "text/html,application/xhtml+xml,*/*;q=0.8");
    assertThat(header(page, "content-type")).startsWith("text/html");
    assertThat(text(page)).isEqualTo(indexHtml());
  }

  @Test
  void noPathReachesFilesOutsideThePackagedSet() throws IOException {
    // raw requests: an HTTP client would normalise the dots away before sending
    for (String path :
        new String[] {
          "/assets/../../../../pom.xml",
          "/assets/%2e%2e/%2e%2e/dev/sightline/server/Main.class",
          "/files.txt",
          "/assets/..%2f..%2fMETA-INF/MANIFEST.MF",
          "/dev/sightline/server/Main.class"
        }) {
      String response = raw(path);
      assertThat(response).as(path).doesNotContain("<project").doesNotContain("Manifest-Version");
      // the listing of servable files is not itself served
      assertThat(response).as(path).doesNotContain("\nindex.html\n");
      String status = response.lines().findFirst().orElse("");
      assertThat(status).as(path).matches("HTTP/1.1 (200|400|404) .*");
      // a 200 is the UI's page (an unknown route), nothing else
      if (status.contains(" 200 ")) assertThat(response).as(path).contains("<div id=\"app\">");
    }
  }

  /** Sends {@code GET path} as typed, without any client-side normalisation. */
  static String raw(String path) throws IOException {
    try (Socket s = new Socket("127.0.0.1", server.server.httpPort())) {
      s.setSoTimeout(5_000);
      s.getOutputStream()
          .write(
              ("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
