package dev.sightline.storage.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sightline.core.model.AnyValue;
import dev.sightline.core.model.Attributes;
import dev.sightline.core.storage.json.TypedJson;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The {@code attributes} text is the JSON object Jackson wrote before it was written directly
 * (stores hold both), and every value kind comes back.
 */
class AttributeColumnsTest {
  /** What the text column held when a Jackson generator wrote it. */
  private static String jacksonText(Attributes attributes) {
    return TypedJson.write(
        g -> {
          g.writeStartObject();
          for (Map.Entry<String, AnyValue> e : attributes.asMap().entrySet()) {
            g.writeStringField(e.getKey(), e.getValue().asString());
          }
          g.writeEndObject();
        });
  }

  private static String text(Random random) {
    String[] parts = {
      "a", "http.route", "/api/{id}", "\"", "\\", "\n", "\u0001", "é", "\uD83D\uDE00", " "
    };
    StringBuilder b = new StringBuilder();
    for (int i = random.nextInt(5); i >= 0; i--) b.append(parts[random.nextInt(parts.length)]);
    return b.toString();
  }

  private static AnyValue value(Random random) {
    return switch (random.nextInt(9)) {
      case 0 -> new AnyValue.BooleanValue(random.nextBoolean());
      case 1 -> new AnyValue.LongValue(random.nextLong());
      case 2 -> new AnyValue.DoubleValue(random.nextGaussian() * 1e6);
      case 3 -> new AnyValue.BytesValue(new byte[] {1, 2, (byte) random.nextInt()});
      case 4 -> new AnyValue.ArrayValue(List.of(new AnyValue.StringValue(text(random))));
      case 5 -> new AnyValue.KeyValueList(Attributes.ofStrings("k", text(random)));
      default -> new AnyValue.StringValue(text(random));
    };
  }

  @Test
  void textIsWhatJacksonWrote_andEveryKindRoundTrips() {
    Random random = new Random(42);
    for (int i = 0; i < 5_000; i++) {
      Map<String, AnyValue> values = new LinkedHashMap<>();
      for (int k = random.nextInt(12); k > 0; k--) values.put(text(random) + k, value(random));
      Attributes attributes = Attributes.of(values);
      AttributeColumns c = AttributeColumns.encode(attributes);
      assertThat(c.text()).isEqualTo(jacksonText(attributes));
      assertThat(AttributeColumns.decode(c.text(), c.types(), c.nested())).isEqualTo(attributes);
    }
  }
}
