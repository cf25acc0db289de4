package dev.sightline.kit.messaging;

import static java.util.Objects.requireNonNull;

import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A propagation carrier over a message's header map, typed by the header value type: {@code String}
 * headers (AMQP, JMS, in-memory queues) or {@code byte[]} headers (Kafka). Header names are matched
 * exactly first, then ignoring case, since brokers and bridges differ in how they keep case.
 *
 * <pre>{@code
 * Map<String, byte[]> headers = new HashMap<>();
 * propagator.inject(Context.current(), headers, HeaderMapCarrier.bytes());
 * }</pre>
 *
 * @param <V> the header value type
 */
public final class HeaderMapCarrier<V>
    implements TextMapGetter<Map<String, V>>, TextMapSetter<Map<String, V>> {
  private static final HeaderMapCarrier<String> STRINGS = new HeaderMapCarrier<>(s -> s, v -> v);
  private static final HeaderMapCarrier<byte[]> BYTES =
      new HeaderMapCarrier<>(
          s -> s.getBytes(StandardCharsets.UTF_8), b -> new String(b, StandardCharsets.UTF_8));

  private final Function<String, V> encode;
  private final Function<V, String> decode;

  private HeaderMapCarrier(Function<String, V> encode, Function<V, String> decode) {
    this.encode = encode;
    this.decode = decode;
  }

  /** A carrier over {@code Map<String, String>} headers. */
  public static HeaderMapCarrier<String> strings() {
    return STRINGS;
  }

  /** A carrier over {@code Map<String, byte[]>} headers, values in UTF-8. */
  public static HeaderMapCarrier<byte[]> bytes() {
    return BYTES;
  }

  /** A carrier over headers of any type, given how to encode and decode a header value. */
  public static <V> HeaderMapCarrier<V> of(Function<String, V> encode, Function<V, String> decode) {
    return new HeaderMapCarrier<>(
        requireNonNull(encode, "encode"), requireNonNull(decode, "decode"));
  }

  @Override
  public Iterable<String> keys(Map<String, V> carrier) {
    return carrier.keySet();
  }

  @Override
  public @Nullable String get(@Nullable Map<String, V> carrier, String key) {
    if (carrier == null) {
      return null;
    }
    V value = carrier.get(key);
    if (value == null) {
      for (Map.Entry<String, V> e : carrier.entrySet()) {
        if (e.getKey().equalsIgnoreCase(key)) {
          value = e.getValue();
          break;
        }
      }
    }
    return value == null ? null : decode.apply(value);
  }

  @Override
  public void set(@Nullable Map<String, V> carrier, String key, String value) {
    if (carrier != null) {
      carrier.put(key, encode.apply(value));
    }
  }
}
