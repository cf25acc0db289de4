package dev.sightline.otlp;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.MessageOrBuilder;
import dev.sightline.core.model.Ids;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** Writes any OTLP message as OTLP/JSON by walking its set fields. See {@link OtlpJson#encode}. */
final class JsonMessageEncoder {
  private static final JsonFactory FACTORY = JsonFactory.builder().build();

  private JsonMessageEncoder() {}

  static byte[] encode(MessageOrBuilder message) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      writeMessage(g, message);
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory cannot fail", e);
    }
    return out.toByteArray();
  }

  private static void writeMessage(JsonGenerator g, MessageOrBuilder message) throws IOException {
    g.writeStartObject();
    // getAllFields: set fields only, so proto3 defaults are omitted as the JSON mapping says.
    for (Map.Entry<FieldDescriptor, Object> e : message.getAllFields().entrySet()) {
      FieldDescriptor fd = e.getKey();
      g.writeFieldName(fd.getJsonName());
      if (fd.isRepeated()) {
        g.writeStartArray();
        for (Object v : (List<?>) e.getValue()) writeValue(g, fd, v);
        g.writeEndArray();
      } else {
        writeValue(g, fd, e.getValue());
      }
    }
    g.writeEndObject();
  }

  private static void writeValue(JsonGenerator g, FieldDescriptor fd, Object v) throws IOException {
    switch (fd.getType()) {
      case DOUBLE -> writeDouble(g, (Double) v);
      case FLOAT -> writeDouble(g, ((Float) v).doubleValue());
      case INT64, SINT64, SFIXED64 -> g.writeString(Long.toString((Long) v));
      case UINT64, FIXED64 -> g.writeString(Long.toUnsignedString((Long) v));
      case INT32, SINT32, SFIXED32 -> g.writeNumber((Integer) v);
      case UINT32, FIXED32 -> g.writeNumber(Integer.toUnsignedLong((Integer) v));
      case BOOL -> g.writeBoolean((Boolean) v);
      case STRING -> g.writeString((String) v);
      case BYTES -> {
        ByteString bytes = (ByteString) v;
        g.writeString(
            OtlpJson.isHexIdField(fd)
                ? Ids.toHex(bytes.toByteArray())
                : Base64.getEncoder().encodeToString(bytes.toByteArray()));
      }
      case ENUM -> g.writeNumber(((EnumValueDescriptor) v).getNumber());
      case MESSAGE, GROUP -> writeMessage(g, (MessageOrBuilder) v);
    }
  }

  private static void writeDouble(JsonGenerator g, double d) throws IOException {
    if (Double.isNaN(d)) {
      g.writeString("NaN");
    } else if (Double.isInfinite(d)) {
      g.writeString(d > 0 ? "Infinity" : "-Infinity");
    } else {
      g.writeNumber(d);
    }
  }
}
