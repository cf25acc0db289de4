package dev.sightline.kit.export;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.resources.Resource;
import java.io.PrintStream;
import java.util.function.Supplier;

/** Shared formatting of the stdout exporters. */
final class StdoutFormat {
  private StdoutFormat() {}

  static String attributes(Attributes attributes) {
    StringBuilder sb = new StringBuilder("{");
    attributes.forEach(
        (key, value) -> {
          if (sb.length() > 1) {
            sb.append(", ");
          }
          sb.append(key.getKey()).append('=');
          if (value instanceof String) {
            sb.append('"').append(value).append('"');
          } else {
            sb.append(value);
          }
        });
    return sb.append('}').toString();
  }

  static String resource(Resource resource) {
    return "resource " + attributes(resource.getAttributes());
  }

  /** Prints {@code text} in one write so that concurrent exporters do not interleave lines. */
  static void print(Supplier<PrintStream> out, CharSequence text) {
    PrintStream stream = out.get();
    synchronized (stream) {
      stream.print(text);
      stream.flush();
    }
  }
}
