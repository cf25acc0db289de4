package dev.sightline.incident.analysis.traces;

import static dev.sightline.incident.analysis.AnalysisFixtures.span;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.sightline.core.model.Attributes;
import dev.sightline.core.model.Resource;
import dev.sightline.core.model.Span;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AttributeComparisonTest {

  /** A checkout span of {@code tenant} on {@code version}, with per-span ids and a shared route. */
  private static Span checkoutSpan(int n, String tenant, String version, String host) {
    return dev.sightline.incident.analysis.AnalysisFixtures.span(
            n, "s" + n, "", "checkout", "POST /checkout", 0, 10)
        .attributes(
            Attributes.builder()
                .put("tenant.id", tenant)
                .put("http.route", "/checkout")
                .put("request.id", "req-" + n)
                .put("trace_id", "t" + n)
                .put("http.response.status_code", 200L)
                .build())
        .resource(
            Resource.of(
                Attributes.ofStrings(
                    "service.name", "checkout",
                    "service.version", version,
                    "host.name", host)))
        .build();
  }

  @Test
  void singlesOutTheTenantAndTheRelease() {
    List<Span> bad = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      String tenant = i < 90 ? "acme" : "tenant-" + (i % 5);
      String version = i < 80 ? "1.5.0" : "1.4.2";
      bad.add(checkoutSpan(i, tenant, version, "node-" + (i % 4)));
    }
    List<Span> good = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      String tenant = i < 10 ? "acme" : "tenant-" + (i % 5);
      String version = i < 20 ? "1.5.0" : "1.4.2";
      good.add(checkoutSpan(1000 + i, tenant, version, "node-" + (i % 4)));
    }

    List<AttributeDifference> result = AttributeComparison.builder().build().compare(bad, good);

    AttributeDifference top = result.get(0);
    assertThat(top.key()).isEqualTo("tenant.id");
    assertThat(top.value()).isEqualTo("acme");
    assertThat(top.resource()).isFalse();
    assertThat(top.badCount()).isEqualTo(90);
    assertThat(top.badTotal()).isEqualTo(100);
    assertThat(top.goodCount()).isEqualTo(10);
    assertThat(top.goodTotal()).isEqualTo(200);
    assertThat(top.badShare()).isCloseTo(0.90, within(1e-9));
    assertThat(top.goodShare()).isCloseTo(0.05, within(1e-9));
    assertThat(top.score()).isCloseTo(0.85, within(1e-9));

    AttributeDifference second = result.get(1);
    assertThat(second.key()).isEqualTo("service.version");
    assertThat(second.resource()).isTrue();
    assertThat(second.value()).isEqualTo("1.5.0");
    assertThat(second.score()).isCloseTo(0.70, within(1e-9));

    // equally common everywhere, per-span ids, excluded keys: none reported
    assertThat(result)
        .extracting(AttributeDifference::key)
        .doesNotContain(
            "http.route",
            "request.id",
            "trace_id",
            "host.name",
            "service.name",
            "http.response.status_code");
    assertThat(result).allSatisfy(d -> assertThat(d.score()).isPositive());
  }

  @Test
  void capsTheCardinalityPerKeyAndTruncatesLongValues() {
    List<Span> bad = new ArrayList<>();
    List<Span> good = new ArrayList<>();
    String statement = "SELECT * FROM orders WHERE customer_id = ? AND status = 'open' ORDER BY x";
    for (int i = 0; i < 10; i++) {
      bad.add(withAttrs(i, "db.statement", statement, "user.id", "u" + (i % 6)));
      good.add(withAttrs(100 + i, "db.statement", "SELECT 1", "user.id", "u" + (i % 6 + 6)));
    }
    AttributeComparison comparison =
        AttributeComparison.builder().maxValuesPerKey(8).maxValueLength(20).build();

    List<AttributeDifference> result = comparison.compare(bad, good);

    assertThat(result).extracting(AttributeDifference::key).containsExactly("db.statement");
    assertThat(result.get(0).value()).isEqualTo("SELECT * FROM orders…");
    assertThat(result.get(0).score()).isEqualTo(1.0);
  }

  @Test
  void requiresMinimumSupportInBadSpans() {
    List<Span> bad = List.of(withAttrs(1, "k", "rare", "x", "1"), withAttrs(2, "k", "v", "x", "1"));
    List<Span> good = List.of(withAttrs(3, "k", "w", "x", "1"));
    assertThat(AttributeComparison.builder().build().compare(bad, good)).isEmpty();
    assertThat(AttributeComparison.builder().minBadCount(1).build().compare(bad, good))
        .extracting(AttributeDifference::value)
        .containsExactly("rare", "v");
  }

  @Test
  void validatesItsOptions() {
    assertThatThrownBy(() -> AttributeComparison.builder().maxValuesPerKey(0))
        .hasMessageContaining("maxValuesPerKey");
    assertThatThrownBy(() -> AttributeComparison.builder().minScore(1))
        .hasMessageContaining("minScore");
    assertThat(AttributeComparison.builder().build().compare(List.of(), List.of())).isEmpty();
  }

  private static Span withAttrs(int n, String... kv) {
    return span(n, "s" + n, "", "orders", "query", 0, 1)
        .attributes(Attributes.ofStrings(kv))
        .build();
  }

  @Test
  void withoutGoodSpansThereIsNoDifference() {
    List<Span> bad = new ArrayList<>();
    for (int i = 0; i < 50; i++) bad.add(checkoutSpan(i, "acme", "1.5.0", "node-1"));

    // every value would otherwise be "100% of the bad spans vs 0% before"
    assertThat(AttributeComparison.builder().build().compare(bad, List.of())).isEmpty();
  }
}
