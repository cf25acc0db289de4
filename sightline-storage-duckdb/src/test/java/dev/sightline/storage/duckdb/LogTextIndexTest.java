package dev.sightline.storage.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sightline.core.model.LogRecord;
import dev.sightline.core.storage.LogQuery;
import dev.sightline.testing.TestObjects;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The log text index ({@code log_blocks}): text search answers exactly what a scan of the bodies
 * answers (case-insensitive substring), for queries made of whole tokens, token prefixes and
 * suffixes, infixes, separators and the code points whose lower case is ASCII; the index is really
 * read (a block removed from it is not searched); it is built at open for older directories and
 * trimmed by retention.
 */
class LogTextIndexTest {
  private static final long SECOND = 1_000_000_000L;

  @TempDir Path dir;

  private final Random random = new Random(7);
  private final List<LogRecord> stored = new ArrayList<>();
  private final long base = TestObjects.NOW_NANOS - 3_600 * SECOND;

  private static final String[] WORDS = {
    "handled",
    "user-",
    "ord-",
    "Request_ID=",
    "in",
    "ms",
    "ÉTÉ",
    "straße",
    "İstanbul",
    "\u212Aelvin",
    "KEY",
    "42",
    "a-b",
    " ",
    "  ",
    ".",
    "/api/cart",
    "ÄÖÜ",
    "x"
  };

  private String randomBody() {
    StringBuilder b = new StringBuilder();
    int words = 1 + random.nextInt(8);
    for (int i = 0; i < words; i++) {
      if (i > 0) b.append(random.nextBoolean() ? " " : "");
      if (random.nextInt(3) == 0) {
        b.append(Integer.toString(random.nextInt(1_000_000), 36 - random.nextInt(27)));
      } else {
        b.append(WORDS[random.nextInt(WORDS.length)]);
      }
    }
    return b.toString();
  }

  private LogRecord log(String body, long time) {
    return LogRecord.builder()
        .tenant(TestObjects.TENANT)
        .timeUnixNano(time)
        .observedTimeUnixNano(time)
        .severity(9, "INFO")
        .body(body)
        .build();
  }

  private void write(DuckDbStorage storage, int n, long from, long spacing) throws Exception {
    List<LogRecord> batch = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      // out of order within and across batches
      batch.add(log(randomBody(), from + random.nextInt(n) * spacing + i));
      if (batch.size() == 53 || i == n - 1) {
        storage.writer().writeLogs(batch).get(30, TimeUnit.SECONDS);
        stored.addAll(batch);
        batch = new ArrayList<>();
      }
    }
  }

  private List<LogRecord> search(DuckDbStorage storage, String q, long start, long end) {
    return storage
        .logReader()
        .searchLogs(
            new LogQuery(TestObjects.TENANT, null, null, null, null, q, start, end, 10_000));
  }

  private List<Long> expected(String q, long start, long end) {
    String lower = q.toLowerCase(Locale.ROOT);
    return stored.stream()
        .filter(l -> l.eventTimeUnixNano() >= start && l.eventTimeUnixNano() < end)
        .filter(l -> duckLower(l.body().asString()).contains(lower))
        .map(LogRecord::eventTimeUnixNano)
        .sorted(Comparator.reverseOrder())
        .toList();
  }

  /** DuckDB's lower(): the simple lower case of each code point. */
  private static String duckLower(String s) {
    StringBuilder b = new StringBuilder();
    s.codePoints().forEach(cp -> b.appendCodePoint(Character.toLowerCase(cp)));
    return b.toString();
  }

  /** Queries cut from stored bodies (any substring), plus fixed tricky ones. */
  private List<String> queries() {
    List<String> qs =
        new ArrayList<>(
            List.of(
                "user-",
                " in ",
                "-42",
                "istanbul",
                " istanbul",
                " kelvin",
                "kelvin",
                "straße",
                " STRASSE",
                "été ",
                "/api/cart",
                "request_id=",
                "zzzzzzzz",
                " zzzzzzzz",
                "a-b "));
    for (int i = 0; i < 150; i++) {
      String body = stored.get(random.nextInt(stored.size())).body().asString();
      int from = random.nextInt(body.length());
      int to = Math.min(body.length(), from + 1 + random.nextInt(14));
      String q = body.substring(from, to);
      if (random.nextInt(4) == 0) q = q.toUpperCase(Locale.ROOT);
      qs.add(q);
    }
    return qs;
  }

  private void assertExact(DuckDbStorage storage) {
    long[][] ranges = {
      {base - SECOND, base + 7_200 * SECOND}, {base + 100 * SECOND, base + 700 * SECOND}
    };
    for (String q : queries()) {
      if (q.isBlank() && q.isEmpty()) continue;
      for (long[] r : ranges) {
        assertThat(search(storage, q, r[0], r[1]))
            .as("q=[%s]", q)
            .extracting(LogRecord::eventTimeUnixNano)
            .isEqualTo(expected(q, r[0], r[1]));
      }
    }
  }

  private void sql(String... statements) throws Exception {
    try (Connection c =
            DriverManager.getConnection("jdbc:duckdb:" + dir.resolve(DuckDbStorage.DATABASE_FILE));
        Statement s = c.createStatement()) {
      for (String statement : statements) s.execute(statement);
    }
  }

  private long blockRows() throws Exception {
    try (Connection c =
            DriverManager.getConnection("jdbc:duckdb:" + dir.resolve(DuckDbStorage.DATABASE_FILE));
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(DISTINCT block) FROM log_blocks")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void keys_ofQuery_onlyForTokensAMatchingBodyMustHave() {
    assertThat(LogTextKeys.ofQuery("441626")).isEmpty(); // may be inside a longer token
    assertThat(LogTextKeys.ofQuery("user-4416")).isEmpty(); // a prefix shorter than the key
    assertThat(LogTextKeys.ofQuery("user-441626")).hasSize(1); // starts a token, 6 characters
    assertThat(LogTextKeys.ofQuery("user-4416 in")).hasSize(1); // "4416" whole, "in" a prefix
    assertThat(LogTextKeys.ofQuery("-441626")).isEqualTo(LogTextKeys.ofQuery("user-441626"));
    assertThat(LogTextKeys.ofQuery("x 4416261234 y"))
        .isEqualTo(LogTextKeys.ofQuery(" 441626")); // whole tokens keyed by their first 6
  }

  @Test
  void search_withTheIndex_answersAsTheScan_forAnyQuery() throws Exception {
    try (DuckDbStorage storage = DuckDbStorageTest.open(dir)) {
      write(storage, 1_500, base, SECOND);
      assertExact(storage);
    }
    assertThat(blockRows()).isPositive();
  }

  @Test
  void aBlockMissingFromTheIndex_isNotSearched() throws Exception {
    try (DuckDbStorage storage = DuckDbStorageTest.open(dir)) {
      storage.writer().writeLogs(List.of(log("order ord-abcdef123 placed", base))).get();
      storage
          .writer()
          .writeLogs(List.of(log("order ord-zzzzzz999 placed", base + 3_000 * SECOND)))
          .get();
      assertThat(search(storage, "ord-abcdef123", base, base + 3_600 * SECOND)).hasSize(1);
    }
    sql("DELETE FROM log_blocks WHERE min_ns = " + base);
    try (DuckDbStorage storage = DuckDbStorageTest.open(dir)) {
      // the key's block is gone: the index says no log can hold it
      assertThat(search(storage, "ord-abcdef123", base, base + 3_600 * SECOND)).isEmpty();
      // a query without a usable key scans and still finds it
      assertThat(search(storage, "abcdef123", base, base + 3_600 * SECOND)).hasSize(1);
    }
  }

  @Test
  void directoryWithoutTheIndex_getsItAtOpen_andRetentionTrimsIt() throws Exception {
    try (DuckDbStorage storage = DuckDbStorageTest.open(dir)) {
      write(storage, 600, base, 2 * SECOND);
    }
    sql(
        "DROP TABLE log_blocks",
        "DELETE FROM sightline_meta WHERE key = '" + LogTextIndex.SINCE_KEY + "'");
    try (DuckDbStorage storage = DuckDbStorageTest.open(dir)) {
      assertExact(storage);
      long cutoff = base + 600 * SECOND;
      storage.deleteBefore(cutoff);
      stored.removeIf(l -> l.eventTimeUnixNano() < cutoff);
      assertExact(storage);
    }
    assertThat(blockRows()).isPositive();
  }
}
