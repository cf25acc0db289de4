package dev.sightline.bench.json;

import dev.sightline.core.model.AnyValue;
import dev.sightline.core.model.Attributes;
import dev.sightline.core.storage.json.JsonStrings;
import dev.sightline.core.storage.json.TypedJson;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The JSON text of one span's attributes as the embedded store writes it ({@code spans.attributes}:
 * key → text form), for the ingest harness's 10-attribute spans: Jackson's generator into a {@code
 * StringWriter} (what the store did, the baseline) against {@link JsonStrings} into a {@code
 * StringBuilder} (what it does now), in one run. Both produce the same text ({@code
 * JsonStringsTest}, {@code AttributeColumnsTest}).
 *
 * <pre>
 * java -cp bench/target/classes:$(cat bench/target/runtime-classpath.txt) org.openjdk.jmh.Main \
 *   AttributeTextBenchmark
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(2)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 4, time = 2)
@State(Scope.Benchmark)
public class AttributeTextBenchmark {
  private Attributes attributes;

  @Setup
  public void setUp() {
    Map<String, AnyValue> values = new LinkedHashMap<>();
    values.put("rpc.system", new AnyValue.StringValue("grpc"));
    values.put("rpc.service", new AnyValue.StringValue("Shop.OrderService"));
    values.put("rpc.method", new AnyValue.StringValue("PlaceOrder"));
    values.put("server.address", new AnyValue.StringValue("order.shop.svc.cluster.local"));
    values.put("tenant.id", new AnyValue.StringValue("tenant-0042"));
    values.put("request.id", new AnyValue.StringValue("7f3c1e9a-52d4-4b8e-9a61-0c2f8d7e4b13"));
    values.put("user_agent.original", new AnyValue.StringValue("Mozilla/5.0 (X11; Linux x86_64)"));
    values.put("app.order.total", new AnyValue.DoubleValue(129.95));
    values.put("app.cache.hit", new AnyValue.BooleanValue(false));
    values.put("rpc.grpc.status_code", new AnyValue.LongValue(0));
    attributes = Attributes.of(values);
  }

  @Benchmark
  public String jackson() {
    return TypedJson.write(
        g -> {
          g.writeStartObject();
          for (Map.Entry<String, AnyValue> e : attributes.asMap().entrySet()) {
            g.writeStringField(e.getKey(), e.getValue().asString());
          }
          g.writeEndObject();
        });
  }

  @Benchmark
  public String direct() {
    StringBuilder text = new StringBuilder(32 * attributes.size());
    text.append('{');
    for (Map.Entry<String, AnyValue> e : attributes.asMap().entrySet()) {
      if (text.length() > 1) text.append(',');
      JsonStrings.appendQuoted(text, e.getKey()).append(':');
      JsonStrings.appendQuoted(text, e.getValue().asString());
    }
    return text.append('}').toString();
  }
}
