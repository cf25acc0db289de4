package dev.sightline.slo.notify;

import java.util.Map;

/** Minimal JSON text builder for the payloads (the module has no JSON library). */
final class JsonWriter {
  private final StringBuilder out = new StringBuilder(512);
  private boolean needsComma;

  JsonWriter beginObject() {
    separate();
    out.append('{');
    needsComma = false;
    return this;
  }

  JsonWriter endObject() {
    out.append('}');
    needsComma = true;
    return this;
  }

  JsonWriter beginArray() {
    separate();
    out.append('[');
    needsComma = false;
    return this;
  }

  JsonWriter endArray() {
    out.append(']');
    needsComma = true;
    return this;
  }

  /** Writes a member name; the next value written is its value. */
  JsonWriter name(String name) {
    separate();
    quote(name);
    out.append(':');
    needsComma = false;
    return this;
  }

  JsonWriter value(String value) {
    separate();
    quote(value);
    needsComma = true;
    return this;
  }

  JsonWriter value(long value) {
    separate();
    out.append(value);
    needsComma = true;
    return this;
  }

  /** A finite number as is; NaN and infinities (not JSON) as null. */
  JsonWriter value(double value) {
    separate();
    out.append(Double.isFinite(value) ? Double.toString(value) : "null");
    needsComma = true;
    return this;
  }

  JsonWriter value(boolean value) {
    separate();
    out.append(value);
    needsComma = true;
    return this;
  }

  JsonWriter member(String name, String value) {
    return name(name).value(value);
  }

  JsonWriter member(String name, long value) {
    return name(name).value(value);
  }

  JsonWriter member(String name, boolean value) {
    return name(name).value(value);
  }

  /** A member whose value is an object of string members, in the map's order. */
  JsonWriter member(String name, Map<String, String> object) {
    name(name).beginObject();
    object.forEach(this::member);
    return endObject();
  }

  private void separate() {
    if (needsComma) out.append(',');
  }

  private void quote(String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20 || c == '\u2028' || c == '\u2029') {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  @Override
  public String toString() {
    return out.toString();
  }
}
