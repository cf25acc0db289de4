package dev.sightline.example.dice;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sightline.kit.testing.InMemoryTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Starts the dice service on a real socket and checks the three signals it emits. */
class DiceServiceTest {
  private static final AttributeKey<String> HTTP_ROUTE = AttributeKey.stringKey("http.route");
  private static final AttributeKey<Long> STATUS =
      AttributeKey.longKey("http.response.status_code");
  private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");

  private static InMemoryTelemetry telemetry;
  private static DiceServer server;
  private static final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() throws Exception {
    telemetry = InMemoryTelemetry.create(DiceApplication.telemetry());
    server =
        DiceServer.start(
            telemetry.telemetry().openTelemetry(),
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            RandomGenerator.getDefault());
  }

  @AfterAll
  static void stop() {
    server.close();
    telemetry.close();
  }

  @BeforeEach
  void reset() {
    telemetry.flush().reset();
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static long rollOf(HttpResponse<String> response) {
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).matches("[1-6]\n");
    return Long.parseLong(response.body().trim());
  }

  @Test
  void bothRoutesEmitAServerSpanWithARollChildTheCounterAndACorrelatedLog() throws Exception {
    long anonymous = rollOf(get("/rolldice"));
    long alice = rollOf(get("/rolldice/Alice"));
    telemetry.flush();

    // traces: a server span per request with http.route, and a manual child span "roll"
    SpanData anonymousServer = serverSpan(DiceServer.ANONYMOUS_ROUTE);
    SpanData aliceServer = serverSpan(DiceServer.PLAYER_ROUTE);
    assertThat(anonymousServer).hasName("GET /rolldice").hasAttribute(STATUS, 200L);
    assertThat(aliceServer).hasName("GET /rolldice/{player}").hasAttribute(STATUS, 200L);
    SpanData anonymousRoll = childRoll(anonymousServer);
    SpanData aliceRoll = childRoll(aliceServer);
    assertThat(anonymousRoll).hasAttribute(DiceRoller.ROLL_VALUE, anonymous);
    assertThat(aliceRoll).hasAttribute(DiceRoller.ROLL_VALUE, alice);
    assertThat(aliceRoll.getResource().getAttribute(SERVICE_NAME)).isEqualTo("dice");

    // metrics: dice.rolls by roll.value
    MetricData rolls = telemetry.metric("dice.rolls").orElseThrow();
    assertThat(rolls.getUnit()).isEqualTo("{roll}");
    Map<Long, Long> byValue =
        rolls.getLongSumData().getPoints().stream()
            .collect(
                Collectors.toMap(
                    p -> p.getAttributes().get(DiceRoller.ROLL_VALUE), LongPointData::getValue));
    assertThat(byValue.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(2);
    assertThat(byValue).containsKeys(anonymous, alice);

    // the HTTP instrumentation's RED histogram, by route, without high-cardinality keys
    List<HistogramPointData> durations =
        List.copyOf(
            telemetry
                .metric("http.server.request.duration")
                .orElseThrow()
                .getHistogramData()
                .getPoints());
    assertThat(durations)
        .extracting(p -> p.getAttributes().get(HTTP_ROUTE))
        .contains(DiceServer.ANONYMOUS_ROUTE, DiceServer.PLAYER_ROUTE);
    assertThat(durations)
        .allSatisfy(
            p -> assertThat(p.getAttributes().get(AttributeKey.stringKey("url.path"))).isNull());

    // logs: the guide's message with the result, correlated to the roll span
    LogRecordData aliceLog = onlyLog("Alice is rolling the dice");
    assertThat(aliceLog.getSpanContext()).isEqualTo(aliceRoll.getSpanContext());
    assertThat(aliceLog.getSeverity()).isEqualTo(Severity.INFO);
    assertThat(aliceLog.getAttributes().get(AttributeKey.longKey("result"))).isEqualTo(alice);
    assertThat(aliceLog.getInstrumentationScopeInfo().getName()).isEqualTo("rolldice");
    LogRecordData anonymousLog = onlyLog("Anonymous player is rolling the dice");
    assertThat(anonymousLog.getSpanContext()).isEqualTo(anonymousRoll.getSpanContext());
    assertThat(anonymousLog.getAttributes().get(AttributeKey.longKey("result")))
        .isEqualTo(anonymous);
  }

  @Test
  void unknownPathsAndMethodsAreRejectedWithoutRolling() throws Exception {
    assertThat(get("/rolldice/a/b").statusCode()).isEqualTo(404);
    assertThat(
            client
                .send(
                    HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + server.port() + "/rolldice/Bob"))
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .statusCode())
        .isEqualTo(405);
    telemetry.flush();
    assertThat(telemetry.spans("roll")).isEmpty();
    assertThat(telemetry.finishedSpans())
        .filteredOn(s -> s.getKind() == SpanKind.SERVER)
        .extracting(s -> s.getAttributes().get(STATUS))
        .containsExactlyInAnyOrder(404L, 405L);
  }

  @Test
  void portComesFromTheFlagThenTheEnvironmentThenTheDefault() {
    assertThat(DiceApplication.port(new String[] {"--port", "9090"}, Map.of("PORT", "7070")))
        .isEqualTo(9090);
    assertThat(DiceApplication.port(new String[] {"--port=0"}, Map.of())).isZero();
    assertThat(DiceApplication.port(new String[0], Map.of("PORT", "7070"))).isEqualTo(7070);
    assertThat(DiceApplication.port(new String[0], Map.of())).isEqualTo(8080);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> DiceApplication.port(new String[] {"--port", "x"}, Map.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static SpanData serverSpan(String route) {
    List<SpanData> spans =
        telemetry.finishedSpans().stream()
            .filter(s -> s.getKind() == SpanKind.SERVER)
            .filter(s -> route.equals(s.getAttributes().get(HTTP_ROUTE)))
            .collect(Collectors.toList());
    assertThat(spans).as("server spans for %s", route).hasSize(1);
    return spans.get(0);
  }

  private static SpanData childRoll(SpanData server) {
    List<SpanData> rolls =
        telemetry.spans("roll").stream()
            .filter(s -> s.getParentSpanId().equals(server.getSpanId()))
            .collect(Collectors.toList());
    assertThat(rolls).hasSize(1);
    assertThat(rolls.get(0)).hasTraceId(server.getTraceId()).hasKind(SpanKind.INTERNAL);
    return rolls.get(0);
  }

  private static LogRecordData onlyLog(String message) {
    List<LogRecordData> logs = telemetry.logsContaining(message);
    assertThat(logs).hasSize(1);
    return logs.get(0);
  }
}
