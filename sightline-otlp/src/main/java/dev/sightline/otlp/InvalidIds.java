package dev.sightline.otlp;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.UnknownFieldSet;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * Carries an OTLP/JSON id that is not hex from the decoder to the mappers, so that only the item
 * holding it is rejected (per-item partial success) rather than the whole request.
 *
 * <p>The decoder leaves the id field unset and records {@code "<jsonName>\0<original text>"} as an
 * unknown length-delimited field with number {@link #FIELD_NUMBER} on the message that holds the
 * id. Unknown fields survive {@code build()}, cost nothing when absent ({@link
 * UnknownFieldSet#isEmpty()}), and no OTLP message uses that number.
 */
final class InvalidIds {
  /** The largest legal protobuf field number; far away from any OTLP field. */
  static final int FIELD_NUMBER = 536_870_911;

  private static final int MAX_KEPT_CHARS = 64;

  private InvalidIds() {}

  static void mark(Message.Builder builder, String jsonName, String original) {
    String kept =
        original.length() <= MAX_KEPT_CHARS
            ? original
            : original.substring(0, MAX_KEPT_CHARS) + "…";
    ByteString value = ByteString.copyFrom(jsonName + '\0' + kept, StandardCharsets.UTF_8);
    builder.mergeUnknownFields(
        UnknownFieldSet.newBuilder()
            .addField(
                FIELD_NUMBER, UnknownFieldSet.Field.newBuilder().addLengthDelimited(value).build())
            .build());
  }

  /** The original text of the non-hex id {@code jsonName} of {@code message}, or null. */
  static @Nullable String find(MessageOrBuilder message, String jsonName) {
    UnknownFieldSet unknown = message.getUnknownFields();
    if (unknown.isEmpty() || !unknown.hasField(FIELD_NUMBER)) return null;
    for (ByteString marker : unknown.getField(FIELD_NUMBER).getLengthDelimitedList()) {
      String original = originalIn(marker.toStringUtf8(), jsonName);
      if (original != null) return original;
    }
    return null;
  }

  /**
   * The original text in one marker (the UTF-8 text of a field {@link #FIELD_NUMBER} value) when it
   * is for {@code jsonName}, or null. Shared with {@link ProtobufSpanDecoder}, which finds such
   * fields on the wire: a protobuf body may carry them too, and must map as the message would.
   */
  static @Nullable String originalIn(String marker, String jsonName) {
    int sep = marker.indexOf('\0');
    if (sep == jsonName.length() && marker.startsWith(jsonName)) return marker.substring(sep + 1);
    return null;
  }

  /** True when {@code message} carries at least one non-hex id marker. */
  static boolean any(MessageOrBuilder message) {
    UnknownFieldSet unknown = message.getUnknownFields();
    return !unknown.isEmpty() && unknown.hasField(FIELD_NUMBER);
  }
}
