package dev.sightline.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UiApiTest {
  @Test
  void gzipIsAcceptedUnlessRefusedWithQZero() {
    assertThat(UiApi.acceptsGzip("gzip, deflate, br")).isTrue();
    assertThat(UiApi.acceptsGzip("br;q=1.0, GZIP;q=0.5")).isTrue();
    assertThat(UiApi.acceptsGzip("*")).isTrue();
    assertThat(UiApi.acceptsGzip("gzip;q=0")).isFalse();
    assertThat(UiApi.acceptsGzip("gzip; q=0.000, *")).isFalse();
    assertThat(UiApi.acceptsGzip("*;q=0")).isFalse();
    assertThat(UiApi.acceptsGzip("br, deflate")).isFalse();
    assertThat(UiApi.acceptsGzip("identity")).isFalse();
    assertThat(UiApi.acceptsGzip(null)).isFalse();
  }

  @Test
  void ifNoneMatchListsAndWeakTags() {
    assertThat(UiApi.matches("\"abc\"", "\"abc\"")).isTrue();
    assertThat(UiApi.matches("\"x\", W/\"abc\"", "\"abc\"")).isTrue();
    assertThat(UiApi.matches("*", "\"abc\"")).isTrue();
    assertThat(UiApi.matches("\"abd\"", "\"abc\"")).isFalse();
  }

  @Test
  void onlyBrowsersAskingForHtmlGetThePage() {
    assertThat(UiApi.acceptsHtml("text/html,application/xhtml+xml,*/*;q=0.8")).isTrue();
    assertThat(UiApi.acceptsHtml("text/plain;version=0.0.4;q=0.5,*/*;q=0.1")).isFalse();
    assertThat(UiApi.acceptsHtml(null)).isFalse();
  }

  @Test
  void mediaTypesByExtension() {
    assertThat(UiAssets.mediaType("assets/index-1.js").toString()).startsWith("text/javascript");
    assertThat(UiAssets.mediaType("assets/index-1.css").toString()).startsWith("text/css");
    assertThat(UiAssets.mediaType("index.html").toString()).startsWith("text/html");
    assertThat(UiAssets.mediaType("x.bin").toString()).isEqualTo("application/octet-stream");
  }
}
