package dev.sightline.bench.auth;

import com.google.protobuf.ByteString;
import dev.sightline.server.auth.Role;
import dev.sightline.server.auth.TokenFile;
import dev.sightline.server.auth.TokenStore;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What authentication adds to an export request, against the least the server does with one: the
 * token check of every request ({@link TokenStore#authenticate}: parse the token, look its id up,
 * SHA-256 of the secret, constant-time compare), and as the same-run baseline only the protobuf
 * parse of a {@value #SPANS}-span OTLP request (the bench's request size) — the server also maps,
 * counts and stores every span, so the real share is smaller than the ratio of the two. A
 * micro-benchmark because the end-to-end comparison ({@code bench/ingest-load} with and without
 * {@code --auth}) is within the noise of this shared machine.
 *
 * <pre>
 * java -cp bench/target/classes:$(cat bench/target/runtime-classpath.txt) org.openjdk.jmh.Main \
 *   AuthCostBenchmark
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@State(Scope.Benchmark)
public class AuthCostBenchmark {
  static final int SPANS = 512;

  private TokenStore tokens;
  private String token;
  private byte[] request;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    Path dir = Files.createTempDirectory("auth-bench");
    Path file = dir.resolve("tokens.json");
    // a realistic file: a few hundred tokens, the one used among them
    for (int i = 0; i < 200; i++) {
      TokenFile.create(file, "t" + i, "tenant-" + (i % 20), Set.of(Role.INGEST));
    }
    token = TokenFile.create(file, "load", "acme", Set.of(Role.INGEST)).token();
    tokens = TokenStore.open(file);
    if (tokens.authenticate(token) == null) throw new IllegalStateException("token not accepted");

    request = request();
  }

  /** The benchmark's export request: {@value #SPANS} spans of one service, serialized. */
  static byte[] request() {
    SplittableRandom random = new SplittableRandom(42);
    ScopeSpans.Builder scope = ScopeSpans.newBuilder();
    for (int i = 0; i < SPANS; i++) {
      byte[] trace = new byte[16];
      byte[] span = new byte[8];
      for (int b = 0; b < 16; b++) trace[b] = (byte) random.nextInt(256);
      for (int b = 0; b < 8; b++) span[b] = (byte) random.nextInt(256);
      long start = 1_796_000_000_000_000_000L + i * 1_000_000L;
      scope.addSpans(
          Span.newBuilder()
              .setTraceId(ByteString.copyFrom(trace))
              .setSpanId(ByteString.copyFrom(span))
              .setName("GET /checkout")
              .setKind(Span.SpanKind.SPAN_KIND_SERVER)
              .setStartTimeUnixNano(start)
              .setEndTimeUnixNano(start + 20_000_000L)
              .addAttributes(kv("http.route", "/checkout"))
              .addAttributes(kv("enduser.id", "user-" + random.nextInt(100_000))));
    }
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(
            ResourceSpans.newBuilder()
                .setResource(Resource.newBuilder().addAttributes(kv("service.name", "frontend")))
                .addScopeSpans(scope))
        .build()
        .toByteArray();
  }

  private static KeyValue kv(String key, String value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value))
        .build();
  }

  @Benchmark
  public Object authenticate() {
    return tokens.authenticate(token);
  }

  @Benchmark
  public Object parseRequest() throws Exception {
    return ExportTraceServiceRequest.parseFrom(request);
  }
}
