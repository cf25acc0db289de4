package dev.sightline.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Timeout;

/**
 * Any query string, on every endpoint of {@link QueryService}: the answer is 200, 400 or 404, never
 * an exception (HTTP 500); a 400 names what is wrong; whatever reaches the storage is a sane range
 * (0 ≤ start ≤ end, a step ≥ 0, where 0 means one point for the range). The input is {@code
 * name=value} lines. The storage answers every read with nothing. Seeds: {@code
 * QueryServiceParametersFuzzTestInputs/endpoints/}. See docs/fuzzing.md.
 */
class QueryServiceParametersFuzzTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-11-21T08:00:00Z"), ZoneOffset.UTC);
  private final QueryService service =
      QueryService.builder().storage(RangeCheckingStorage.create()).clock(CLOCK).build();

  @Timeout(5)
  @FuzzTest(maxDuration = "10s")
  void endpoints(byte[] input) {
    Map<String, String> params = new LinkedHashMap<>();
    for (String line : new String(input, StandardCharsets.UTF_8).split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) params.putIfAbsent(line.substring(0, eq), line.substring(eq + 1));
    }
    QueryParameters p = QueryParameters.of(params);
    List<Function<QueryParameters, ApiResponse>> endpoints =
        List.of(
            q -> service.searchTraces("t", q),
            q -> service.searchLogs("t", q),
            q -> service.metrics("t", q),
            q -> service.metricChart("t", q),
            q -> service.metricNames("t", q),
            q -> service.services("t", q),
            q -> service.operations("t", "checkout", q),
            q -> service.serviceVersions("t", "checkout", q),
            q -> service.red("t", q),
            q -> service.serviceMap("t", q));
    for (Function<QueryParameters, ApiResponse> endpoint : endpoints) {
      ApiResponse r = endpoint.apply(p);
      assertThat(r.status()).as(r.body()).isIn(200, 400, 404);
      if (r.status() == 400) assertThat(r.body()).contains("invalid parameter");
    }
  }
}
