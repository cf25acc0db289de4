package dev.sightline.bench.auth;

import com.linecorp.armeria.client.Endpoint;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.SessionProtocol;
import dev.sightline.server.SightlineServer;
import dev.sightline.server.auth.Role;
import dev.sightline.server.auth.TokenFile;
import dev.sightline.server.config.ConfigLoader;
import dev.sightline.server.config.ServerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Ingest throughput of the real server with and without authentication, in one JVM: every fork
 * starts two complete {@link SightlineServer}s on loopback (each with its own storage, receivers,
 * event loops and decode threads, {@code --bench-discard-endpoint}), one with {@code --auth-file}
 * over a token file written by {@link TokenFile} (201 tokens), one without (loopback, so the
 * production {@code HostCheck} stands in its place), and posts the same {@value
 * AuthCostBenchmark#SPANS}-span OTLP/HTTP protobuf request to {@code /bench/discard/v1/traces} of
 * the one {@link #auth} names: the full OTLP/HTTP path (Armeria, the listener's decorators, decode,
 * validation, mapping, tenant) up to the writer, which drops the spans. The request is identical
 * for both, {@code Authorization} header included, so only the server's work differs. Both servers
 * run in every fork, so the two settings differ in nothing but which one is loaded.
 *
 * <p>{@link AuthIngestCost} runs the forks alternately and reports the ratio with its confidence
 * interval; this class alone runs them one setting after the other:
 *
 * <pre>
 * java -cp bench/target/classes:$(cat bench/target/runtime-classpath.txt) org.openjdk.jmh.Main \
 *   AuthIngestBenchmark
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx2g", "-Xms2g"})
@Warmup(iterations = 12, time = 2)
@Measurement(iterations = 6, time = 2)
@Threads(4)
@State(Scope.Benchmark)
public class AuthIngestBenchmark {
  static final String PATH = "/bench/discard/v1/traces";

  /** {@code true}: the server with {@code --auth-file}; {@code false}: the one without. */
  @Param({"false", "true"})
  public boolean auth;

  private Path dir;
  private SightlineServer withAuth;
  private SightlineServer plain;
  private WebClient client;
  private RequestHeaders headers;
  private HttpData body;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    dir = Files.createTempDirectory("auth-ingest-bench");
    Path tokens = dir.resolve("tokens.json");
    // as AuthCostBenchmark: a few hundred tokens, the one used among them
    for (int i = 0; i < 200; i++) {
      TokenFile.create(tokens, "t" + i, "tenant-" + (i % 20), Set.of(Role.INGEST));
    }
    String token = TokenFile.create(tokens, "load", "acme", Set.of(Role.INGEST)).token();
    withAuth = start(dir.resolve("auth"), tokens);
    plain = start(dir.resolve("plain"), null);
    SightlineServer target = auth ? withAuth : plain;
    client =
        WebClient.builder(SessionProtocol.H1C, Endpoint.of("127.0.0.1", target.otlpHttpPort()))
            .maxResponseLength(1 << 20)
            .build();
    headers = headers(token);
    body = HttpData.wrap(AuthCostBenchmark.request());
    // both servers must accept the request: a 401 or 404 would measure an error path
    for (SightlineServer s : new SightlineServer[] {withAuth, plain}) {
      WebClient c = WebClient.of(SessionProtocol.H1C, Endpoint.of("127.0.0.1", s.otlpHttpPort()));
      int status = c.execute(headers, body).aggregate().join().status().code();
      if (status != 200) throw new IllegalStateException("server answered " + status);
    }
  }

  /** The export request's headers, the same for every server (a plain one ignores the token). */
  static RequestHeaders headers(String token) {
    return RequestHeaders.builder(HttpMethod.POST, PATH)
        .contentType(MediaType.PROTOBUF)
        .add("authorization", "Bearer " + token)
        .build();
  }

  /** A complete server on ephemeral loopback ports with the discard endpoint. */
  static SightlineServer start(Path data, @Nullable Path tokenFile) {
    Map<String, String> flags = new LinkedHashMap<>();
    flags.put("data-dir", data.toString());
    flags.put("retention", "0");
    flags.put("bench-discard-endpoint", "true");
    flags.put("storage-memory-limit", "256MB");
    if (tokenFile != null) flags.put("auth-file", tokenFile.toString());
    ServerConfig config = ConfigLoader.load(flags, Map.of()).withEphemeralLoopbackPorts();
    return SightlineServer.start(config);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    if (withAuth != null) withAuth.close();
    if (plain != null) plain.close();
    deleteTree(dir);
  }

  static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(AuthIngestBenchmark::delete);
    }
  }

  private static void delete(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One export request, answered 200 after decoding (the spans are discarded). */
  @Benchmark
  public int export() {
    AggregatedHttpResponse r = client.execute(headers, body).aggregate().join();
    int status = r.status().code();
    if (status != 200) throw new IllegalStateException("server answered " + status);
    return status;
  }
}
