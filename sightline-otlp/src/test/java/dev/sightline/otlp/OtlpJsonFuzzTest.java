package dev.sightline.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.UnknownFieldSet;
import dev.sightline.otlp.OtlpDecodeContract.Signal;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Timeout;

/**
 * OTLP/JSON bodies of any shape, for each signal: {@link OtlpJson} and the mappers keep {@link
 * OtlpDecodeContract}, and what decodes can be encoded again and decodes to the same request (ids
 * that are not hex aside: the encoder drops them). Seeds: {@code
 * OtlpJsonFuzzTestInputs/decodeAndMap/}, the project's OTLP/JSON examples prefixed with the signal
 * selector ({@code 0}, {@code 1}, {@code 2}: traces, metrics, logs). See docs/fuzzing.md.
 */
class OtlpJsonFuzzTest {
  @Timeout(5)
  @FuzzTest(maxDuration = "10s")
  void decodeAndMap(byte[] input) throws OtlpDecodeException {
    if (input.length == 0) return;
    Signal signal = Signal.of(input[0]);
    Message request = OtlpDecodeContract.decodeAndMap(signal, OtlpDecodeContract.body(input), true);
    if (request == null) return;
    byte[] encoded = OtlpJson.encode(request);
    Message.Builder again = request.newBuilderForType();
    OtlpJson.decodeInto(encoded, again);
    assertThat(again.build())
        .as("decode(encode(request)), encoded as %s", new String(encoded, StandardCharsets.UTF_8))
        .isEqualTo(withoutUnknownFields(request));
  }

  /** The request without the invalid ids kept aside as unknown fields ({@link InvalidIds}). */
  private static Message withoutUnknownFields(Message m) {
    Message.Builder b = m.toBuilder();
    strip(b);
    return b.build();
  }

  private static void strip(Message.Builder b) {
    b.setUnknownFields(UnknownFieldSet.getDefaultInstance());
    for (FieldDescriptor fd : b.getAllFields().keySet()) {
      if (fd.getJavaType() != FieldDescriptor.JavaType.MESSAGE) continue;
      if (fd.isRepeated()) {
        for (int i = 0; i < b.getRepeatedFieldCount(fd); i++) {
          b.setRepeatedField(fd, i, withoutUnknownFields((Message) b.getRepeatedField(fd, i)));
        }
      } else {
        b.setField(fd, withoutUnknownFields((Message) b.getField(fd)));
      }
    }
  }
}
