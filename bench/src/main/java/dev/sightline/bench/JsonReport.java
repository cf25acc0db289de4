package dev.sightline.bench;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes a harness report (nested maps, lists, numbers, booleans, strings) as pretty-printed JSON:
 * maps keep their order, non-finite doubles become null, other numbers keep their type.
 */
final class JsonReport {
  private static final JsonFactory JSON = new JsonFactory();

  private JsonReport() {}

  /** Writes {@code report} to {@code file}, creating its folder. */
  static void write(Path file, Object report) throws IOException {
    Path absolute = file.toAbsolutePath();
    if (absolute.getParent() != null) Files.createDirectories(absolute.getParent());
    try (JsonGenerator g =
        JSON.createGenerator(absolute.toFile(), JsonEncoding.UTF8).useDefaultPrettyPrinter()) {
      value(g, report);
    }
  }

  private static void value(JsonGenerator g, Object value) throws IOException {
    if (value == null) {
      g.writeNull();
    } else if (value instanceof Map<?, ?> map) {
      g.writeStartObject();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        g.writeFieldName(String.valueOf(e.getKey()));
        value(g, e.getValue());
      }
      g.writeEndObject();
    } else if (value instanceof List<?> list) {
      g.writeStartArray();
      for (Object o : list) value(g, o);
      g.writeEndArray();
    } else if (value instanceof Double d) {
      if (d.isNaN() || d.isInfinite()) g.writeNull();
      else g.writeNumber(d);
    } else if (value instanceof Float f) {
      if (f.isNaN() || f.isInfinite()) g.writeNull();
      else g.writeNumber(f);
    } else if (value instanceof Long l) {
      g.writeNumber(l);
    } else if (value instanceof Integer i) {
      g.writeNumber(i);
    } else if (value instanceof Number n) {
      g.writeNumber(n.longValue());
    } else if (value instanceof Boolean b) {
      g.writeBoolean(b);
    } else {
      g.writeString(String.valueOf(value));
    }
  }
}
