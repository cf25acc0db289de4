package dev.sightline.bench.auth;

import com.linecorp.armeria.client.Endpoint;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.SessionProtocol;
import dev.sightline.server.SightlineServer;
import dev.sightline.server.auth.Role;
import dev.sightline.server.auth.TokenFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link AuthIngestBenchmark} with both servers loaded <em>at the same time</em>: a JMH group of
 * two threads posting to the plain server ({@link #plain}) and two posting the identical request to
 * the other one ({@link #other}), so at every instant both see the same machine and a drift of the
 * shared cores cancels in the ratio other/plain of each iteration. Three complete servers run in
 * every fork: {@code --auth-file}, and two without. {@link #auth}{@code =true} points {@link
 * #other} at the one with authentication (the measurement); {@code false} at the second plain
 * server (the control: the same setup with nothing to find, whose ratio shows the bias and noise of
 * the method itself).
 *
 * <pre>
 * java -cp bench/target/classes:$(cat bench/target/runtime-classpath.txt) org.openjdk.jmh.Main \
 *   AuthIngestTogetherBenchmark -f 4
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx2g", "-Xms2g"})
@Warmup(iterations = 12, time = 2)
@Measurement(iterations = 6, time = 2)
@State(Scope.Benchmark)
public class AuthIngestTogetherBenchmark {
  /**
   * {@code true}: {@link #other} posts to the server with {@code --auth-file}; else a plain one.
   */
  @Param({"true", "false"})
  public boolean auth;

  private Path dir;
  private SightlineServer withAuth;
  private SightlineServer plainServer;
  private SightlineServer plainServer2;
  private WebClient plainClient;
  private WebClient otherClient;
  private RequestHeaders headers;
  private HttpData body;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    dir = Files.createTempDirectory("auth-ingest-together");
    Path tokens = dir.resolve("tokens.json");
    for (int i = 0; i < 200; i++) {
      TokenFile.create(tokens, "t" + i, "tenant-" + (i % 20), Set.of(Role.INGEST));
    }
    String token = TokenFile.create(tokens, "load", "acme", Set.of(Role.INGEST)).token();
    withAuth = AuthIngestBenchmark.start(dir.resolve("auth"), tokens);
    plainServer = AuthIngestBenchmark.start(dir.resolve("plain"), null);
    plainServer2 = AuthIngestBenchmark.start(dir.resolve("plain2"), null);
    headers = AuthIngestBenchmark.headers(token);
    body = HttpData.wrap(AuthCostBenchmark.request());
    plainClient = client(plainServer);
    otherClient = client(auth ? withAuth : plainServer2);
    for (SightlineServer s : new SightlineServer[] {withAuth, plainServer, plainServer2}) {
      post(client(s));
    }
  }

  private static WebClient client(SightlineServer s) {
    return WebClient.builder(SessionProtocol.H1C, Endpoint.of("127.0.0.1", s.otlpHttpPort()))
        .maxResponseLength(1 << 20)
        .build();
  }

  private int post(WebClient c) {
    AggregatedHttpResponse r = c.execute(headers, body).aggregate().join();
    int status = r.status().code();
    if (status != 200) throw new IllegalStateException("server answered " + status);
    return status;
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    for (SightlineServer s : new SightlineServer[] {withAuth, plainServer, plainServer2}) {
      if (s != null) s.close();
    }
    AuthIngestBenchmark.deleteTree(dir);
  }

  /** One export request to the server without authentication. */
  @Benchmark
  @Group("together")
  @GroupThreads(2)
  public int plain() {
    return post(plainClient);
  }

  /** The same request to the server with authentication ({@link #auth}) or the second plain one. */
  @Benchmark
  @Group("together")
  @GroupThreads(2)
  public int other() {
    return post(otherClient);
  }
}
