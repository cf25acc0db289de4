package dev.sightline.otlp.receiver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sightline.core.model.Span;
import dev.sightline.otlp.MappedBatch;
import dev.sightline.otlp.OtlpDecodeException;
import dev.sightline.otlp.OtlpProtobuf;
import dev.sightline.otlp.SpanMapper;
import dev.sightline.testing.OtlpExamples;
import org.junit.jupiter.api.Test;

/** Protobuf trace bodies (HTTP and gRPC) take the direct decoder; the other paths are unchanged. */
class SignalCodecsTest {

  @Test
  void protobufTracesAreDecodedDirectlyWithTheMappersResult() throws Exception {
    assertThat(SignalCodecs.TRACES.protobufDirect()).isNotNull();
    assertThat(SignalCodecs.METRICS.protobufDirect()).isNull();
    assertThat(SignalCodecs.LOGS.protobufDirect()).isNull();

    byte[] body = OtlpExamples.bytes(OtlpExamples.TRACE_PROTOBUF);
    MappedBatch<Span> viaCodec = SignalCodecs.TRACES.decode(body, false, "t");
    MappedBatch<Span> viaMessages = SpanMapper.map(OtlpProtobuf.decodeTraces(body), "t");
    assertThat(viaCodec).isEqualTo(viaMessages);
    assertThat(SignalCodecs.TRACES.decode(OtlpExamples.bytes(OtlpExamples.TRACE_JSON), true, "t"))
        .isEqualTo(viaMessages);
  }

  @Test
  void aMalformedProtobufTraceBodyIsStillADecodeError() {
    assertThatThrownBy(() -> SignalCodecs.TRACES.decode(new byte[] {0x0a, 0x05}, false, "t"))
        .isInstanceOf(OtlpDecodeException.class)
        .hasMessageStartingWith(
            "invalid protobuf body: not a valid ExportTraceServiceRequest: While parsing");
  }
}
