package dev.sightline.otlp;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sightline.otlp.OtlpDecodeContract.Signal;
import org.junit.jupiter.api.Timeout;

/**
 * OTLP/HTTP protobuf bodies of any shape, for each signal: {@link OtlpProtobuf} and the mappers
 * keep {@link OtlpDecodeContract}. Seeds: {@code OtlpProtobufFuzzTestInputs/decodeAndMap/}, one
 * valid request per signal (first byte {@code 0}, {@code 1}, {@code 2}: traces, metrics, logs). See
 * docs/fuzzing.md.
 */
class OtlpProtobufFuzzTest {
  @Timeout(5)
  @FuzzTest(maxDuration = "10s")
  void decodeAndMap(byte[] input) {
    if (input.length == 0) return;
    OtlpDecodeContract.decodeAndMap(
        Signal.of(input[0]), OtlpDecodeContract.body(input), /* json= */ false);
  }
}
