package dev.sightline.testing;

import static dev.sightline.testing.TestObjects.LOGS;
import static dev.sightline.testing.TestObjects.MILLI;
import static dev.sightline.testing.TestObjects.NOW_NANOS;
import static dev.sightline.testing.TestObjects.TENANT;
import static dev.sightline.testing.TestObjects.TRACE_ID;
import static dev.sightline.testing.TestObjects.TRACE_START;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sightline.core.model.LogRecord;
import dev.sightline.core.storage.LogQuery;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * Log search. Results are newest first by event time ({@code timeUnixNano}, else observed time);
 * the time range is [start, end) of event time; {@code text} is a case-insensitive substring of the
 * body's text form, with no wildcard characters.
 */
public abstract class ITLogReader extends ITStorage {
  static final long HOUR = Duration.ofHours(1).toNanos();

  /** Query builder defaulting to tenant {@link TestObjects#TENANT}, the last hour, limit 100. */
  protected static final class Q {
    String tenant = TENANT;
    @Nullable String traceId;
    @Nullable String spanId;
    @Nullable String service;
    @Nullable Integer severityMin;
    @Nullable String text;
    long start = NOW_NANOS - HOUR;
    long end = NOW_NANOS + HOUR;
    int limit = 100;

    Q tenant(String v) {
      tenant = v;
      return this;
    }

    Q traceId(String v) {
      traceId = v;
      return this;
    }

    Q spanId(String v) {
      spanId = v;
      return this;
    }

    Q service(String v) {
      service = v;
      return this;
    }

    Q severityMin(int v) {
      severityMin = v;
      return this;
    }

    Q text(String v) {
      text = v;
      return this;
    }

    Q range(long s, long e) {
      start = s;
      end = e;
      return this;
    }

    Q limit(int v) {
      limit = v;
      return this;
    }

    LogQuery build() {
      return new LogQuery(tenant, traceId, spanId, service, severityMin, text, start, end, limit);
    }
  }

  static Q q() {
    return new Q();
  }

  List<LogRecord> search(Q q) {
    return storage().logReader().searchLogs(q.build());
  }

  /** {@link TestObjects#LOGS} entries by index, in the given order. */
  static List<LogRecord> logs(int... indexes) {
    List<LogRecord> out = new ArrayList<>();
    for (int i : indexes) out.add(LOGS.get(i));
    return out;
  }

  @Test
  void roundTripsEveryField_newestFirstByEventTime() {
    acceptLogs(LOGS);

    List<LogRecord> found = search(q());

    List<LogRecord> expected = logs(4, 3, 2, 1, 0);
    assertThat(found).hasSize(expected.size());
    for (int i = 0; i < expected.size(); i++) {
      assertSameValue(found.get(i), expected.get(i), "log " + i);
    }
  }

  @Test
  void byTraceId() {
    acceptLogs(LOGS);

    assertThat(search(q().traceId(TRACE_ID))).containsExactlyElementsOf(logs(2, 1, 0));
    assertThat(search(q().traceId(TestObjects.traceId(12345)))).isEmpty();
  }

  @Test
  void bySpanId() {
    acceptLogs(LOGS);

    assertThat(search(q().spanId(TestObjects.ORDER_SERVER.spanId())))
        .containsExactlyElementsOf(logs(1));
    assertThat(search(q().traceId(TRACE_ID).spanId(TestObjects.PAYMENT_SERVER.spanId())))
        .containsExactlyElementsOf(logs(2));
  }

  @Test
  void byService() {
    acceptLogs(LOGS);

    assertThat(search(q().service("frontend"))).containsExactlyElementsOf(logs(3, 0));
    assertThat(search(q().service("payment"))).containsExactlyElementsOf(logs(2));
    assertThat(search(q().service("unknown_service"))).containsExactlyElementsOf(logs(4));
    assertThat(search(q().service("nope"))).isEmpty();
  }

  @Test
  void bySeverityMin_inclusive() {
    acceptLogs(LOGS);

    assertThat(search(q().severityMin(13))).containsExactlyElementsOf(logs(3, 2));
    assertThat(search(q().severityMin(17))).containsExactlyElementsOf(logs(2));
    assertThat(search(q().severityMin(18))).isEmpty();
    assertThat(search(q().severityMin(0))).hasSize(5);
    assertThat(search(q().traceId(TRACE_ID).severityMin(9))).containsExactlyElementsOf(logs(2, 0));
  }

  @Test
  void byText_caseInsensitiveSubstringOfBodyText() {
    acceptLogs(LOGS);

    assertThat(search(q().text("declined"))).containsExactlyElementsOf(logs(2));
    assertThat(search(q().text("CHECKOUT started"))).containsExactlyElementsOf(logs(0));
    assertThat(search(q().text("placing order"))).containsExactlyElementsOf(logs(1));
    assertThat(search(q().text("12345"))).containsExactlyElementsOf(logs(4));
    assertThat(search(q().text(LOGS.get(3).body().asString()))).containsExactlyElementsOf(logs(3));
    assertThat(search(q().text("D_CLINED"))).isEmpty();
    assertThat(search(q().text("%"))).isEmpty();
    assertThat(search(q().text("not in any body"))).isEmpty();
  }

  @Test
  void timeRange_usesEventTime_halfOpen() {
    acceptLogs(LOGS);

    // LOGS[2] has no time: its observed time (+205 ms) is its event time
    assertThat(search(q().range(TRACE_START + 200 * MILLI, TRACE_START + 210 * MILLI)))
        .containsExactlyElementsOf(logs(2));
    assertThat(search(q().range(TRACE_START + MILLI, TRACE_START + 25 * MILLI)))
        .containsExactlyElementsOf(logs(0));
    // LOGS[0] happened at +1 ms, observed at +2 ms: the observed time is not its event time
    assertThat(search(q().range(TRACE_START + 2 * MILLI, TRACE_START + 3 * MILLI))).isEmpty();
    assertThat(search(q().range(TRACE_START + 25 * MILLI, TRACE_START + 25 * MILLI + 1)))
        .containsExactlyElementsOf(logs(1));
    assertThat(search(q().range(NOW_NANOS, NOW_NANOS + HOUR))).isEmpty();
  }

  @Test
  void limit_keepsNewest() {
    acceptLogs(LOGS);

    assertThat(search(q().limit(2))).containsExactlyElementsOf(logs(4, 3));
    assertThat(search(q().traceId(TRACE_ID).limit(1))).containsExactlyElementsOf(logs(2));
  }

  @Test
  void isolatesTenants() {
    List<LogRecord> inA = LOGS.stream().map(l -> withTenant(l, "a")).toList();
    List<LogRecord> inB = List.of(withTenant(LOGS.get(0), "b"));
    acceptLogs(inA);
    acceptLogs(inB);

    assertThat(search(q().tenant("a"))).hasSize(5);
    assertThat(search(q().tenant("b"))).containsExactlyElementsOf(inB);
    assertThat(search(q().tenant("b").traceId(TRACE_ID))).containsExactlyElementsOf(inB);
    assertThat(search(q())).isEmpty();
  }

  @Test
  void generatedLogs_allFoundByTheirTrace() {
    TelemetryGenerator generator =
        TelemetryGenerator.builder()
            .seed(3)
            .startTimeUnixNano(NOW_NANOS - HOUR / 2)
            .logsPerTrace(4)
            .build();
    List<LogRecord> all = new ArrayList<>();
    List<String> traceIds = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      var trace = generator.nextTrace();
      traceIds.add(trace.get(0).traceId());
      all.addAll(generator.logsFor(trace));
    }
    acceptLogs(all);

    for (String traceId : traceIds) {
      List<LogRecord> expected =
          all.stream()
              .filter(l -> l.traceId().equals(traceId))
              .sorted((a, b) -> Long.compare(b.eventTimeUnixNano(), a.eventTimeUnixNano()))
              .toList();
      assertThat(search(q().traceId(traceId))).containsExactlyInAnyOrderElementsOf(expected);
      assertThat(search(q().traceId(traceId)))
          .extracting(LogRecord::eventTimeUnixNano)
          .containsExactlyElementsOf(expected.stream().map(LogRecord::eventTimeUnixNano).toList());
    }
  }

  static LogRecord withTenant(LogRecord l, String tenant) {
    return new LogRecord(
        tenant,
        l.timeUnixNano(),
        l.observedTimeUnixNano(),
        l.severityNumber(),
        l.severityText(),
        l.body(),
        l.attributes(),
        l.droppedAttributesCount(),
        l.flags(),
        l.traceId(),
        l.spanId(),
        l.eventName(),
        l.resource(),
        l.scope());
  }
}
