package dev.sightline.storage.duckdb;

import dev.sightline.core.storage.CheckResult;
import dev.sightline.core.storage.CounterIncreaseReader;
import dev.sightline.core.storage.LogReader;
import dev.sightline.core.storage.MetricReader;
import dev.sightline.core.storage.ServiceVersionReader;
import dev.sightline.core.storage.SpanCountReader;
import dev.sightline.core.storage.SpanMetricsReader;
import dev.sightline.core.storage.StorageComponent;
import dev.sightline.core.storage.TelemetryWriter;
import dev.sightline.core.storage.TraceReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import org.duckdb.DuckDBConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded storage backend: one DuckDB database file in a data directory. Writes go through a
 * bounded queue to a single group-committing writer thread and complete once committed to DuckDB's
 * write-ahead log; readers query on their own connections under DuckDB's MVCC, from any number of
 * threads.
 *
 * <pre>{@code
 * DuckDbStorage storage = DuckDbStorage.builder().dataDir(Path.of("data")).build();
 * }</pre>
 */
public final class DuckDbStorage implements StorageComponent {
  private static final Logger logger = LoggerFactory.getLogger(DuckDbStorage.class);

  /** The database file inside the data directory. */
  public static final String DATABASE_FILE = "sightline.duckdb";

  private final Path databaseFile;
  private final DuckDBConnection database;

  /** The writer's three connections (see {@link GroupCommitWriter}). */
  private final java.util.List<DuckDBConnection> writerConnections;

  private final GroupCommitWriter writer;
  private final ReaderConnections readers;
  private final DuckDbTraceReader traceReader;
  private final DuckDbLogReader logReader;
  private final DuckDbMetricReader metricReader;
  private final DuckDbSpanMetricsReader spanMetricsReader;
  private final @org.jspecify.annotations.Nullable ServiceEdgePairer pairer;
  private volatile boolean closed;
  private final java.util.concurrent.@org.jspecify.annotations.Nullable ScheduledExecutorService
      maintenance;

  /** The end of the last compaction pass; the next starts an hour before it (late spans). */
  private long compactedUpTo = Long.MIN_VALUE;

  /** As {@link #compactedUpTo}, for {@code service_edges}. */
  private long edgesCompactedUpTo = Long.MIN_VALUE;

  private DuckDbStorage(
      Path databaseFile,
      DuckDBConnection database,
      java.util.List<DuckDBConnection> writerConnections,
      DuckDbStorageBuilder b,
      @org.jspecify.annotations.Nullable ServiceEdgePairer pairer,
      SpanResources resources,
      long lastSeq) {
    this.databaseFile = databaseFile;
    this.database = database;
    this.writerConnections = writerConnections;
    this.pairer = pairer;
    this.writer =
        new GroupCommitWriter(
            writerConnections.subList(0, 2),
            writerConnections.get(2),
            b.queueCapacity,
            b.maxBatchItems,
            b.overlapItems,
            pairer,
            b.indexedAttributes,
            resources,
            lastSeq,
            b.derivedFlushInterval,
            b.derivedFlushSpans);
    this.readers = new ReaderConnections(database, b.readerConnections, writer::awaitDerived);
    this.traceReader = new DuckDbTraceReader(readers, b.indexedAttributes);
    this.logReader = new DuckDbLogReader(readers);
    this.metricReader = new DuckDbMetricReader(readers);
    this.spanMetricsReader = new DuckDbSpanMetricsReader(readers, b.serviceEdgesAtIngest);
    if (b.compactionInterval.isZero()) {
      this.maintenance = null;
    } else {
      this.maintenance =
          java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "sightline-duckdb-compaction");
                t.setDaemon(true);
                return t;
              });
      long every = b.compactionInterval.toMillis();
      // the first pass (which covers everything) soon after open, so a directory written by a
      // process that stopped before compacting reads fast from the start
      maintenance.scheduleWithFixedDelay(
          this::compactRecent,
          Math.min(every, 5_000),
          every,
          java.util.concurrent.TimeUnit.MILLISECONDS);
    }
  }

  /** Hours of {@code attribute_index} sorted per maintenance pass at most. */
  private static final int SORT_HOURS_PER_PASS = 6;

  /** One scheduled compaction pass; failures (a conflict with a write) wait for the next. */
  private void compactRecent() {
    if (closed) return;
    long to = System.currentTimeMillis() * 1_000_000L - 30_000_000_000L;
    // buckets that spans older than the usual hour touched since the last pass (a back-fill, a
    // collector replaying its queue) are merged too, from the bucket of the earliest of them
    long oldest = writer.takeOldestSpanStart();
    long dirty = Long.MAX_VALUE;
    if (oldest != Long.MAX_VALUE) {
      long bucket = dev.sightline.core.storage.SpanMetricsReader.BUCKET_NANOS;
      dirty = oldest - Math.floorMod(oldest, bucket);
    }
    boolean failed = false;
    long from =
        Math.min(
            dirty,
            compactedUpTo == Long.MIN_VALUE ? Long.MIN_VALUE : compactedUpTo - 3_600_000_000_000L);
    try {
      long t0 = System.nanoTime();
      long merged = compactSpanMetrics(from, to);
      compactedUpTo = to;
      if (merged > 0) {
        logger.debug(
            "span metrics compacted: {} rows fewer in {} ms",
            merged,
            (System.nanoTime() - t0) / 1_000_000);
      }
    } catch (RuntimeException e) {
      failed = true;
      logger.info("span metrics compaction skipped, retrying at the next pass: {}", e.toString());
    }
    if (!closed) {
      // the hourly roll-up, the current hour included
      long hour = SpanMetricsHourly.HOUR_NANOS;
      try {
        long merged =
            compactSpanMetricsHourly(
                from == Long.MIN_VALUE ? Long.MIN_VALUE : Math.floorDiv(from, hour) * hour,
                Math.floorDiv(to, hour) * hour + hour);
        if (merged > 0) logger.debug("hourly span metrics compacted: {} rows fewer", merged);
      } catch (RuntimeException e) {
        failed = true;
        logger.info(
            "hourly span metrics compaction skipped, retrying at the next pass: {}", e.toString());
      }
      // service_operations by hour: the pass's range widened to whole hours, the current one
      // included (its rows from each commit are merged as they come)
      try {
        long merged =
            compactServiceOperations(
                from == Long.MIN_VALUE ? Long.MIN_VALUE : ServiceOperationHours.hourOf(from),
                ServiceOperationHours.hourOf(to) + 1);
        if (merged > 0) logger.debug("service operations compacted: {} rows fewer", merged);
      } catch (RuntimeException e) {
        failed = true;
        logger.info(
            "service operations compaction skipped, retrying at the next pass: {}", e.toString());
      }
    }
    if (!closed) {
      // attribute_index: whole hours older than the last one, rewritten sorted by value, once;
      // a few hours per pass (the first after an upgrade has them all). Retention deletes old
      // rows of the same table: while this catches up from the oldest hour, one of the two may
      // fail on a conflict and is retried at its next run; nothing is lost either way.
      try {
        long t0 = System.nanoTime();
        long rows =
            readers.runOnStored(
                c -> AttributeIndex.sortOldHours(c, to, SORT_HOURS_PER_PASS, () -> closed));
        if (rows > 0) {
          logger.debug(
              "attribute index: {} rows rewritten sorted in {} ms",
              rows,
              (System.nanoTime() - t0) / 1_000_000);
        }
      } catch (RuntimeException e) {
        // not `failed`: that re-marks the span metrics' range, which this does not touch
        logger.info("attribute index sort skipped, retrying at the next pass: {}", e.toString());
      }
    }
    if (pairer != null && !closed) {
      long edgesFrom =
          Math.min(
              dirty,
              edgesCompactedUpTo == Long.MIN_VALUE
                  ? Long.MIN_VALUE
                  : edgesCompactedUpTo - 3_600_000_000_000L);
      try {
        long t0 = System.nanoTime();
        long merged = compactServiceEdges(edgesFrom, to);
        // the hourly roll-up, the pass's range widened to whole hours, the current one included
        long hour = HourlyRollup.HOUR_NANOS;
        merged +=
            compactServiceEdgesHourly(
                edgesFrom == Long.MIN_VALUE
                    ? Long.MIN_VALUE
                    : Math.floorDiv(edgesFrom, hour) * hour,
                Math.floorDiv(to, hour) * hour + hour);
        edgesCompactedUpTo = to;
        if (merged > 0) {
          logger.debug(
              "service edges compacted: {} rows fewer in {} ms",
              merged,
              (System.nanoTime() - t0) / 1_000_000);
        }
      } catch (RuntimeException e) {
        failed = true;
        logger.info("service edge compaction skipped, retrying at the next pass: {}", e.toString());
      }
    }
    if (failed && oldest != Long.MAX_VALUE) writer.noteSpanStart(oldest);
  }

  /** The reader connections, for tests that look at the tables themselves. */
  ReaderConnections readers() {
    return readers;
  }

  /** Rows of {@code span_metrics}, for tests of compaction. */
  long spanMetricsRows() {
    return readers.run(
        c -> {
          try (Statement s = c.createStatement();
              ResultSet rs = s.executeQuery("SELECT count(*) FROM span_metrics")) {
            rs.next();
            return rs.getLong(1);
          }
        });
  }

  public static DuckDbStorageBuilder builder() {
    return new DuckDbStorageBuilder();
  }

  static DuckDbStorage open(DuckDbStorageBuilder b) {
    Path dir = Objects.requireNonNull(b.dataDir, "dataDir");
    Path file = dir.resolve(DATABASE_FILE);
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new StorageException("cannot create data directory " + dir, e);
    }
    Properties properties = new Properties();
    if (b.memoryLimit != null) properties.setProperty("memory_limit", b.memoryLimit);
    properties.setProperty(
        "threads",
        Integer.toString(b.threads > 0 ? b.threads : DuckDbStorageBuilder.defaultThreads()));
    DuckDBConnection database = null;
    try {
      database = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:" + file, properties);
      createSchema(database);
      ServiceEdges.sync(database, b.serviceEdgesAtIngest);
      TraceSummaries.ensure(database);
      ServiceOperationHours.ensure(database);
      LogTextIndex.ensure(database);
      SpanBlockIndex.ensure(database);
      SpanMetricsHourly.ensure(database);
      AttributeIndex.ensure(database, b.indexedAttributes);
      // after the indexes' own checks: what a stop left unwritten is derived again (DerivedBacklog)
      long lastSeq = DerivedBacklog.recover(database, b.indexedAttributes);
      try (Statement s = database.createStatement()) {
        // validated by the builder to be a plain size, so it is safe to inline
        s.execute("SET checkpoint_threshold = '" + b.checkpointThreshold + "'");
      }
      ServiceEdgePairer pairer = null;
      if (b.serviceEdgesAtIngest) {
        pairer =
            new ServiceEdgePairer(
                b.edgePairingMaxCallers,
                b.edgePairingMaxWaitingChildren,
                b.edgePairingWindow.toNanos(),
                System::nanoTime);
        ServiceEdges.replay(
            database,
            pairer,
            b.edgePairingWindow.toNanos(),
            (long) b.edgePairingMaxCallers + b.edgePairingMaxWaitingChildren);
      }
      // two for the groups, one for the rows derived behind them (GroupCommitWriter)
      java.util.List<DuckDBConnection> writerConnections = new java.util.ArrayList<>();
      try {
        for (int i = 0; i < 3; i++) writerConnections.add((DuckDBConnection) database.duplicate());
      } catch (SQLException | RuntimeException e) {
        writerConnections.forEach(DuckDbStorage::closeQuietly);
        throw e;
      }
      return new DuckDbStorage(
          file, database, writerConnections, b, pairer, SpanResources.load(database), lastSeq);
    } catch (SQLException | RuntimeException e) {
      if (database != null) {
        try {
          database.close();
        } catch (SQLException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      if (e instanceof RuntimeException r) throw r;
      throw new StorageException("cannot open DuckDB database " + file + ": " + e.getMessage(), e);
    }
  }

  private static void createSchema(DuckDBConnection c) throws SQLException {
    for (String ddl : Schema.DDL) {
      try (Statement s = c.createStatement()) {
        s.execute(ddl);
      }
    }
    try (PreparedStatement ps =
        c.prepareStatement("INSERT OR IGNORE INTO sightline_meta VALUES ('schema_version', ?)")) {
      ps.setString(1, Integer.toString(Schema.VERSION));
      ps.execute();
    }
    String version;
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT value FROM sightline_meta WHERE key = 'schema_version'")) {
      rs.next();
      version = rs.getString(1);
    }
    // refused before anything is changed: a newer layout is not ours to touch
    if (!"1".equals(version)
        && !"2".equals(version)
        && !Integer.toString(Schema.VERSION).equals(version)) {
      throw new IllegalStateException(
          "database schema version " + version + " is not " + Schema.VERSION);
    }
    // version 1 → 2: spans hold their resource by id (SpanResources); 2 → 3: span rows are numbered
    // by commit group, derived rows written behind them (DerivedBacklog). One transaction, so an
    // older build, which refuses the newer version, never sees the new columns (idempotent)
    try (Statement s = c.createStatement()) {
      s.execute("BEGIN TRANSACTION");
      try {
        SpanResources.ensure(c);
        DerivedBacklog.ensure(c);
        s.execute(
            "UPDATE sightline_meta SET value = '"
                + Schema.VERSION
                + "' WHERE key = 'schema_version' AND value IN ('1', '2')");
        s.execute("COMMIT");
      } catch (SQLException | RuntimeException e) {
        try {
          s.execute("ROLLBACK");
        } catch (SQLException suppressed) {
          e.addSuppressed(suppressed);
        }
        throw e;
      }
    }
  }

  /**
   * The in-memory service-edge pairing ({@link DuckDbStorageBuilder#serviceEdgesAtIngest}): how
   * many entries it holds and how many it evicted (by the window or the caps).
   *
   * @param recentCallers CLIENT/PRODUCER spans kept for children that arrive later
   * @param waitingChildren spans kept waiting for their parent
   * @param evictedCallers callers dropped since open; a child of one arriving later is not paired
   * @param evictedWaitingChildren children dropped since open without their parent having arrived:
   *     an upper bound of the pairs not counted at ingest (it also counts children whose parent
   *     never arrives or arrived before them as a non-caller span)
   */
  public record EdgePairingStats(
      long recentCallers, long waitingChildren, long evictedCallers, long evictedWaitingChildren) {}

  /**
   * The pairing counters, or all zero with {@link DuckDbStorageBuilder#serviceEdgesAtIngest} off.
   */
  public EdgePairingStats edgePairingStats() {
    if (pairer == null) return new EdgePairingStats(0, 0, 0, 0);
    ServiceEdgePairer.Stats s = pairer.stats();
    return new EdgePairingStats(
        s.recentCallers(), s.waitingChildren(), s.evictedCallers(), s.evictedWaitingChildren());
  }

  /** Tests only: the writer, for its {@code beforeCommit} hook. */
  GroupCommitWriter groupCommitWriter() {
    return writer;
  }

  /** The database file, for operators and tests. */
  public Path databaseFile() {
    return databaseFile;
  }

  @Override
  public CheckResult check() {
    if (closed) return CheckResult.failed("storage is closed");
    Throwable failure = writer.failure();
    if (failure != null) return CheckResult.failed("writer failed: " + failure);
    if (!writer.isHealthy()) return CheckResult.failed("writer thread is not running");
    try {
      readers.runOnStored(
          c -> {
            try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT 1")) {
              rs.next();
              return rs.getInt(1);
            }
          });
      return CheckResult.ok();
    } catch (RuntimeException e) {
      return CheckResult.failed(String.valueOf(e.getMessage()));
    }
  }

  @Override
  public TelemetryWriter writer() {
    return writer;
  }

  @Override
  public TraceReader traceReader() {
    return traceReader;
  }

  @Override
  public LogReader logReader() {
    return logReader;
  }

  @Override
  public MetricReader metricReader() {
    return metricReader;
  }

  /** DuckDB offers every {@link dev.sightline.core.storage.StorageCapability}. */
  @Override
  public Optional<SpanMetricsReader> spanMetricsReader() {
    return Optional.of(spanMetricsReader);
  }

  @Override
  public Optional<SpanCountReader> spanCountReader() {
    return Optional.of(spanMetricsReader);
  }

  @Override
  public Optional<ServiceVersionReader> serviceVersionReader() {
    return Optional.of(traceReader);
  }

  @Override
  public Optional<CounterIncreaseReader> counterIncreaseReader() {
    return Optional.of(metricReader);
  }

  /**
   * Deletes by event time: span start, log event time, metric point time, span-metrics and
   * service-edge bucket start (derived rows are not counted in the result).
   */
  @Override
  public long deleteBefore(long cutoffUnixNano) {
    return readers.run(
        c ->
            Meta.inTransaction(
                c,
                () -> {
                  // before the spans go: traces that straddle the cutoff get parts from what stays
                  TraceSummaries.deleteBefore(c, cutoffUnixNano);
                  AttributeIndex.deleteBefore(c, cutoffUnixNano);
                  LogTextIndex.deleteBefore(c, cutoffUnixNano);
                  SpanBlockIndex.deleteBefore(c, cutoffUnixNano);
                  long removed = 0;
                  for (String sql :
                      new String[] {
                        "DELETE FROM spans WHERE start_ns < ?",
                        "DELETE FROM logs WHERE event_ns < ?",
                        "DELETE FROM metric_points WHERE time_ns < ?"
                      }) {
                    removed += update(c, sql, cutoffUnixNano);
                  }
                  // derived rows go too, but the count is of telemetry rows only
                  update(c, "DELETE FROM span_metrics WHERE bucket_ns < ?", cutoffUnixNano);
                  HourlyRollup.SPAN_METRICS.deleteBefore(c, cutoffUnixNano);
                  update(c, "DELETE FROM service_edges WHERE bucket_ns < ?", cutoffUnixNano);
                  HourlyRollup.SERVICE_EDGES.deleteBefore(c, cutoffUnixNano);
                  // after the spans went: the cutoff's hour is derived from what remains
                  ServiceOperationHours.deleteBefore(c, cutoffUnixNano);
                  return removed;
                }));
  }

  private static long update(java.sql.Connection c, String sql, long value) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setLong(1, value);
      return ps.executeUpdate();
    }
  }

  /**
   * Merges the RED rows each series got from separate commit groups into one row per series and
   * bucket, for the buckets starting in [from, to); reads give the same sums, faster. Safe while
   * writes go on (see {@link SpanMetricsCompactor}).
   *
   * @return how many rows fewer {@code span_metrics} holds
   * @throws StorageException when the transaction conflicts with another or fails
   */
  public long compactSpanMetrics(long fromUnixNano, long toUnixNano) {
    return readers.runOnStored(c -> SpanMetricsCompactor.compact(c, fromUnixNano, toUnixNano));
  }

  /**
   * As {@link #compactSpanMetrics} for {@code service_edges}, which gets a row per edge key, bucket
   * and commit: one row per edge key and bucket afterwards, same sums. The maintenance thread runs
   * both.
   *
   * @return how many rows fewer {@code service_edges} holds
   * @throws StorageException when the transaction conflicts with another or fails
   */
  public long compactServiceEdges(long fromUnixNano, long toUnixNano) {
    return readers.runOnStored(
        c -> SpanMetricsCompactor.compactServiceEdges(c, fromUnixNano, toUnixNano));
  }

  /**
   * As {@link #compactServiceEdges} for {@code service_edges_hourly}: one row per edge and hour.
   */
  long compactServiceEdgesHourly(long fromUnixNano, long toUnixNano) {
    return readers.runOnStored(
        c -> SpanMetricsCompactor.compactServiceEdgesHourly(c, fromUnixNano, toUnixNano));
  }

  /**
   * As {@link #compactSpanMetrics} for {@code span_metrics_hourly}: one row per series and hour.
   */
  long compactSpanMetricsHourly(long fromUnixNano, long toUnixNano) {
    return readers.runOnStored(
        c -> SpanMetricsCompactor.compactHourly(c, fromUnixNano, toUnixNano));
  }

  /**
   * As {@link #compactSpanMetrics} for {@code service_operations}, by hours since the epoch:
   * [fromHour, toHour). The maintenance thread runs it with the others.
   *
   * @return how many rows fewer {@code service_operations} holds
   */
  long compactServiceOperations(long fromHour, long toHour) {
    return readers.runOnStored(c -> ServiceOperationHours.compact(c, fromHour, toHour));
  }

  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    if (maintenance != null) {
      maintenance.shutdown();
      try {
        maintenance.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    writer.close();
    readers.close();
    writerConnections.forEach(DuckDbStorage::closeQuietly);
    closeQuietly(database);
  }

  private static void closeQuietly(DuckDBConnection c) {
    try {
      c.close();
    } catch (SQLException e) {
      logger.warn("closing DuckDB connection failed", e);
    }
  }

  @Override
  public String toString() {
    return "DuckDbStorage{" + databaseFile + "}";
  }
}
