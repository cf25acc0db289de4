package dev.sightline.otlp;

import dev.sightline.core.model.AnyValue;
import dev.sightline.core.model.Attributes;
import dev.sightline.core.model.InstrumentationScope;
import dev.sightline.core.model.Resource;
import java.util.List;

/** The core-model values the OTLP fixtures must map to. */
final class CoreExpectations {
  private CoreExpectations() {}

  /** What {@link OtlpFixtures#everyValueKind()} maps to. */
  static Attributes everyValueKind() {
    AnyValue nestedList =
        new AnyValue.KeyValueList(
            Attributes.builder()
                .put("inner.string", "x")
                .put(
                    "inner.array",
                    new AnyValue.ArrayValue(
                        List.of(new AnyValue.LongValue(1), new AnyValue.BooleanValue(false))))
                .build());
    return Attributes.builder()
        .put("string", "text with \"quotes\" and ünïcödé")
        .put("bool", true)
        .put("int", -9_007_199_254_740_993L)
        .put("double", 637.704)
        .put("bytes", new AnyValue.BytesValue(new byte[] {0, 1, 2, (byte) 0xfe, (byte) 0xff}))
        .put(
            "array",
            new AnyValue.ArrayValue(
                List.of(
                    new AnyValue.StringValue("many"),
                    new AnyValue.DoubleValue(1.5),
                    new AnyValue.ArrayValue(List.of(new AnyValue.StringValue("deep"))),
                    nestedList)))
        .put("kvlist", nestedList)
        .put("empty", AnyValue.EmptyValue.INSTANCE)
        .put("empty.string", "")
        .build();
  }

  static Resource resource() {
    return new Resource(
        Attributes.ofStrings("service.name", "checkout", "host.name", "node-1"),
        2,
        "https://opentelemetry.io/schemas/1.24.0");
  }

  static InstrumentationScope scope() {
    return new InstrumentationScope(
        "io.opentelemetry.jdbc",
        "2.31.1",
        Attributes.ofStrings("scope.attr", "s"),
        1,
        "https://opentelemetry.io/schemas/1.21.0");
  }
}
