package dev.sightline.server.api;

import com.linecorp.armeria.common.MediaType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The built web UI, read once from the classpath ({@code dev/sightline/ui/static/}, packaged by
 * sightline-ui): exactly the files its {@code files.txt} lists, each with its precompressed {@code
 * .gz} when there is one. Lookups are by exact relative path in that set, so no request path can
 * reach anything else.
 */
public final class UiAssets {
  static final String ROOT = "dev/sightline/ui/static/";
  private static final MediaType JAVASCRIPT = MediaType.parse("text/javascript; charset=utf-8");

  /**
   * One servable file: its bytes, its gzip bytes (or null), its media type and its entity tag (a
   * hash of its bytes, quoted), so that {@code no-cache} files revalidate with a 304.
   */
  public record Asset(
      String path, byte[] bytes, byte @Nullable [] gzip, MediaType mediaType, String etag) {}

  private final Map<String, Asset> assets;

  private UiAssets(Map<String, Asset> assets) {
    this.assets = Map.copyOf(assets);
  }

  /** The UI packaged on the classpath of {@code loader}; empty when it was not built in. */
  public static UiAssets fromClasspath(ClassLoader loader) {
    byte[] list = read(loader, ROOT + "files.txt");
    Map<String, Asset> assets = new HashMap<>();
    if (list != null) {
      for (String line : new String(list, StandardCharsets.UTF_8).split("\n")) {
        String path = line.strip();
        if (path.isEmpty() || path.startsWith("/") || path.contains("..")) continue;
        byte[] bytes = read(loader, ROOT + path);
        if (bytes == null) throw new IllegalStateException("UI file listed but missing: " + path);
        assets.put(
            path,
            new Asset(
                path, bytes, read(loader, ROOT + path + ".gz"), mediaType(path), etag(bytes)));
      }
    }
    return new UiAssets(assets);
  }

  /** The file at {@code path} (relative, e.g. {@code assets/index-3f2a.js}), or null. */
  public @Nullable Asset get(String path) {
    return assets.get(path);
  }

  /** True when the UI was built into this server. */
  public boolean present() {
    return assets.containsKey("index.html");
  }

  static MediaType mediaType(String path) {
    String ext = path.substring(path.lastIndexOf('.') + 1);
    return switch (ext) {
      case "html" -> MediaType.HTML_UTF_8;
      case "js" -> JAVASCRIPT; // RFC 9239
      case "css" -> MediaType.CSS_UTF_8;
      case "json", "map" -> MediaType.JSON_UTF_8;
      case "svg" -> MediaType.SVG_UTF_8;
      case "png" -> MediaType.PNG;
      case "ico" -> MediaType.parse("image/x-icon");
      case "woff2" -> MediaType.parse("font/woff2");
      case "txt" -> MediaType.PLAIN_TEXT_UTF_8;
      default -> MediaType.OCTET_STREAM;
    };
  }

  private static String etag(byte[] bytes) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
      return "\"" + HexFormat.of().formatHex(digest, 0, 16) + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte @Nullable [] read(ClassLoader loader, String resource) {
    try (InputStream in = loader.getResourceAsStream(resource)) {
      return in == null ? null : in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read UI resource " + resource, e);
    }
  }
}
