package dev.sightline.otlp;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sightline.otlp.OtlpDecodeContract.Signal;
import org.junit.jupiter.api.Timeout;

/**
 * OTLP/HTTP protobuf bodies of any shape, for each signal: {@link OtlpProtobuf} and the mappers
 * keep {@link OtlpDecodeContract}, and {@link ProtobufSpanDecoder} agrees with them on trace bodies
 * ({@link ProtobufSpanDecoderTest#assertEquivalent}). Seeds: {@code
 * OtlpProtobufFuzzTestInputs/decodeAndMap/}, one valid request per signal (first byte {@code 0},
 * {@code 1}, {@code 2}: traces, metrics, logs). See docs/fuzzing.md.
 */
class OtlpProtobufFuzzTest {
  @Timeout(5)
  @FuzzTest(maxDuration = "10s")
  void decodeAndMap(byte[] input) {
    if (input.length == 0) return;
    Signal signal = Signal.of(input[0]);
    byte[] body = OtlpDecodeContract.body(input);
    OtlpDecodeContract.decodeAndMap(signal, body, /* json= */ false);
    if (signal == Signal.TRACES) ProtobufSpanDecoderTest.assertEquivalent(body);
  }
}
