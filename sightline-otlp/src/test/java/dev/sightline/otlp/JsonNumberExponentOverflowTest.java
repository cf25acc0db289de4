package dev.sightline.otlp;

import static dev.sightline.otlp.OtlpFixtures.utf8;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * Found by {@link OtlpJsonFuzzTest}: a JSON number whose exponent does not fit BigDecimal's int
 * scale, in an integer field, made Jackson throw {@link NumberFormatException} out of the decoder
 * (HTTP 500 instead of 400).
 */
class JsonNumberExponentOverflowTest {
  private static final String SPAN =
      "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"startTimeUnixNano\":%s}]}]}]}";

  @Test
  void exponentBeyondIntRangeInAnInt64FieldIsADecodeError() {
    assertThatThrownBy(
            () -> OtlpJson.decodeTraces(utf8(SPAN.formatted("1700001e10000000000000000000"))))
        .isInstanceOf(OtlpDecodeException.class)
        .hasMessageContaining("spans[0].startTimeUnixNano: value out of range for fixed64");
  }

  @Test
  void negativeExponentBeyondIntRangeIsADecodeError() {
    assertThatThrownBy(() -> OtlpJson.decodeTraces(utf8(SPAN.formatted("1e-10000000000000000000"))))
        .isInstanceOf(OtlpDecodeException.class)
        .hasMessageContaining("value out of range for fixed64");
  }
}
