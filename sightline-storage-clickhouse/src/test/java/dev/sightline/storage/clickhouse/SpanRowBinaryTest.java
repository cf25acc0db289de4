package dev.sightline.storage.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sightline.core.model.Attributes;
import dev.sightline.core.model.Resource;
import dev.sightline.core.model.Span;
import dev.sightline.testing.TestObjects;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link SpanRowBinary#encode}: rows as written one by one, whatever resources spans share. */
class SpanRowBinaryTest {
  private static byte[] oneByOne(List<Span> spans) {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (Span s : spans) {
      RowBinary out = new RowBinary(0);
      SpanRowBinary.write(out, s);
      all.writeBytes(out.toByteArray());
    }
    return all.toByteArray();
  }

  @Test
  void sharedAndDistinctResources_encodeAsEachSpanAlone() {
    Resource other =
        new Resource(Attributes.ofStrings("service.name", "other", "k", "v"), 1, "https://x");
    List<Span> spans = new ArrayList<>();
    for (Span s : TestObjects.TRACE) {
      spans.add(s);
      spans.add(s.toBuilder().resource(other).build()); // alternating: the cache must switch
      spans.add(s.toBuilder().resource(other).spanId("00000000000000ff").build());
      // equal but not the same object
      spans.add(
          s.toBuilder()
              .resource(
                  new Resource(
                      other.attributes(), other.droppedAttributesCount(), other.schemaUrl()))
              .build());
    }
    assertThat(SpanRowBinary.encode(spans)).isEqualTo(oneByOne(spans));
  }

  @Test
  void aBadId_failsTheBatch() {
    List<Span> spans =
        List.of(
            TestObjects.TRACE.get(0), TestObjects.TRACE.get(0).toBuilder().spanId("xyz").build());
    assertThatThrownBy(() -> SpanRowBinary.encode(spans))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("span id");
  }
}
