package dev.sightline.incident.analysis.traces;

import static dev.sightline.incident.analysis.AnalysisFixtures.ms;
import static dev.sightline.incident.analysis.AnalysisFixtures.span;
import static dev.sightline.incident.analysis.AnalysisFixtures.spanId;
import static dev.sightline.incident.analysis.AnalysisFixtures.traceId;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sightline.core.model.Attributes;
import dev.sightline.core.model.Span;
import dev.sightline.core.model.SpanEvent;
import dev.sightline.core.model.StatusCode;
import dev.sightline.incident.analysis.SpanRef;
import java.util.List;
import org.junit.jupiter.api.Test;

class ErrorGroupingTest {

  private static SpanEvent exception(String type, String message) {
    return new SpanEvent(
        ms(5),
        "exception",
        Attributes.ofStrings(
            "exception.type", type,
            "exception.message", message,
            "exception.stacktrace", type + ": " + message + "\n\tat Db.query(Db.java:42)"),
        0);
  }

  private static Span error(int n, String service, String op, double start, SpanEvent... events) {
    return span(n, "s" + n, "", service, op, start, start + 10)
        .status(StatusCode.ERROR, "")
        .events(List.of(events))
        .build();
  }

  @Test
  void groupsByTypeAndMaskedMessage() {
    String timeout = "java.net.SocketTimeoutException";
    List<Span> spans =
        List.of(
            error(
                1,
                "orders",
                "SELECT",
                0,
                exception(timeout, "connect to 10.0.0.5:5432 timed out after 5000 ms")),
            error(
                2,
                "orders",
                "SELECT",
                20,
                exception(timeout, "connect to 10.0.0.7:5432 timed out after 3000 ms")),
            error(
                3,
                "orders",
                "SELECT",
                40,
                exception(timeout, "connect to 10.0.0.5:5432 timed out after 5000 ms"),
                // the same group twice in one span counts once
                exception(timeout, "connect to 10.0.0.9:5432 timed out after 5000 ms")),
            error(
                4,
                "orders",
                "SELECT",
                50,
                exception(
                    "java.lang.IllegalStateException",
                    "order 123e4567-e89b-12d3-a456-426614174000 in state 'CLOSED'")),
            // status message only, with the semantic-convention error.type
            span(5, "s5", "", "payment", "Charge", 60, 70)
                .status(StatusCode.ERROR, "card declined for customer 8812")
                .attributes(Attributes.ofStrings("error.type", "CardDeclined"))
                .build(),
            // not an error: ignored even with an exception event
            span(6, "s6", "", "orders", "SELECT", 0, 1)
                .events(List.of(exception(timeout, "connect to 10.0.0.5:5432 timed out")))
                .build());

    List<ErrorGroup> groups = ErrorGrouping.builder().maxExamples(2).build().group(spans);

    assertThat(groups).hasSize(3);
    ErrorGroup top = groups.get(0);
    assertThat(top.service()).isEqualTo("orders");
    assertThat(top.operation()).isEqualTo("SELECT");
    assertThat(top.exceptionType()).isEqualTo(timeout);
    assertThat(top.messageTemplate()).isEqualTo("connect to <*> timed out after <*> ms");
    assertThat(top.exampleMessage()).isEqualTo("connect to 10.0.0.5:5432 timed out after 5000 ms");
    assertThat(top.exampleStacktrace()).contains("Db.java:42");
    assertThat(top.count()).isEqualTo(3);
    assertThat(top.firstSeenUnixNano()).isEqualTo(ms(0));
    assertThat(top.lastSeenUnixNano()).isEqualTo(ms(50));
    assertThat(top.examples())
        .containsExactly(
            new SpanRef(traceId(1), spanId("s1")), new SpanRef(traceId(2), spanId("s2")));

    // equal counts: the most recent first
    assertThat(groups.get(1).exceptionType()).isEqualTo("CardDeclined");
    assertThat(groups.get(1).messageTemplate()).isEqualTo("card declined for customer <*>");
    assertThat(groups.get(2).messageTemplate()).isEqualTo("order <*> in state <*>");
  }

  @Test
  void keepsOperationsApart() {
    List<Span> spans =
        List.of(
            error(1, "orders", "SELECT", 0, exception("E", "boom")),
            error(2, "orders", "INSERT", 0, exception("E", "boom")));
    assertThat(ErrorGrouping.builder().build().group(spans))
        .extracting(ErrorGroup::operation)
        .containsExactlyInAnyOrder("SELECT", "INSERT");
  }
}
