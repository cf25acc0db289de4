package dev.sightline.server.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * The one way the API writes JSON: a streaming Jackson generator into a byte array, compact, UTF-8.
 * A handler describes its body as a {@link Body} (or hands a Jackson tree, written through the same
 * generator) and the layer renders it; no handler builds bytes or strings itself. The helpers write
 * the API's conventions: absent values and non-finite numbers as {@code null}, instants as RFC
 * 3339.
 */
public final class ApiJson {
  /** Also the mapper of request bodies ({@link ApiCall#jsonObject()}); default features only. */
  static final ObjectMapper MAPPER = new ObjectMapper();

  private ApiJson() {}

  /** Writes a JSON body. */
  @FunctionalInterface
  public interface Body {
    void write(JsonGenerator g) throws IOException;
  }

  /** The bytes of {@code body}. */
  static byte[] render(Body body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
    try (JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
      body.write(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** {@code "field": number}, or {@code null} for NaN and infinities. */
  public static void writeNumber(JsonGenerator g, String field, double v) throws IOException {
    if (Double.isFinite(v)) g.writeNumberField(field, v);
    else g.writeNullField(field);
  }

  /** {@code "field": "v"}, or {@code null}. */
  public static void writeNullable(JsonGenerator g, String field, @Nullable String v)
      throws IOException {
    if (v == null) g.writeNullField(field);
    else g.writeStringField(field, v);
  }

  /** {@code "field": "2026-11-21T08:00:00Z"}, or {@code null}. */
  public static void writeInstant(JsonGenerator g, String field, @Nullable Instant v)
      throws IOException {
    writeNullable(g, field, v == null ? null : v.toString());
  }
}
