package dev.sightline.storage.clickhouse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.sightline.core.model.LogRecord;
import dev.sightline.core.model.MetricPoint;
import dev.sightline.core.model.Span;
import dev.sightline.core.storage.StorageOverloadedException;
import dev.sightline.core.storage.TelemetryWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write path: batches are encoded on the caller's thread (spans as {@code RowBinary}, {@link
 * SpanRowBinary}; logs and metric points as JSONEachRow), queued in a bounded, item-counted queue,
 * and one flusher thread coalesces everything queued (up to {@code maxBatchItems}) into one {@code
 * INSERT} per table. A future completes only after ClickHouse answered 200 to the insert holding
 * its batch (a synchronous insert: the rows are in the table's parts). Retryable failures (server
 * down, overloaded) are retried with exponential backoff up to {@code maxAttempts}; then the
 * futures fail and the caller (the OTLP receiver) answers a retryable status. A group that fails
 * for good is split: each batch is inserted alone, so a batch ClickHouse refuses fails only itself.
 */
final class ClickHouseWriter implements TelemetryWriter {
  private static final Logger LOG = LoggerFactory.getLogger(ClickHouseWriter.class);
  private static final JsonFactory JSON = JsonFactory.builder().build();
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(2);

  /**
   * One accepted batch: its encoded rows, the INSERT that takes them, its {@code attr_index} rows
   * (spans, with the lookup tables kept) and the future to complete.
   */
  private static final class Pending {
    final String insert;
    final byte[] rows;
    final byte @Nullable [] indexRows;
    final int items;
    final CompletableFuture<Void> future;
    final long queuedAtNanos = System.nanoTime();

    /** Set (by the flusher thread only) once the batch left the queue's count. */
    boolean finished;

    Pending(
        String insert,
        byte[] rows,
        byte @Nullable [] indexRows,
        int items,
        CompletableFuture<Void> future) {
      this.insert = insert;
      this.rows = rows;
      this.indexRows = indexRows;
      this.items = items;
      this.future = future;
    }
  }

  /** Writes one item as a JSON object. */
  private interface RowWriter<T> {
    void write(JsonGenerator g, T item) throws IOException;
  }

  /** Encodes a batch into the body of its INSERT. */
  private interface RowEncoder<T> {
    byte[] encode(List<T> items) throws IOException;
  }

  /** Encodes a batch's companion rows ({@code attr_index}), or null for none. */
  private interface IndexEncoder<T> {
    byte @Nullable [] encode(List<T> items);
  }

  private final ClickHouseHttp http;
  private final int queueCapacity;
  private final int maxBatchItems;
  private final long maxBatchDelayNanos;
  private final int maxAttempts;
  private final Duration initialBackoff;
  private final @Nullable IndexedKeys indexedKeys;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition queued = lock.newCondition();
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private long queuedItems;
  private boolean closed;
  private final Thread flusher;
  private final ExecutorService completions =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "clickhouse-write-completions");
            t.setDaemon(true);
            return t;
          });

  /**
   * @param indexedKeys the attribute keys whose {@code attr_index} rows go with each span batch
   *     ({@link AttrIndexRows}), or null when the lookup tables are not kept
   */
  ClickHouseWriter(
      ClickHouseHttp http,
      int queueCapacity,
      int maxBatchItems,
      Duration maxBatchDelay,
      int maxAttempts,
      Duration initialBackoff,
      @Nullable IndexedKeys indexedKeys) {
    this.http = http;
    this.indexedKeys = indexedKeys;
    this.queueCapacity = queueCapacity;
    this.maxBatchItems = maxBatchItems;
    this.maxBatchDelayNanos = maxBatchDelay.toNanos();
    this.maxAttempts = maxAttempts;
    this.initialBackoff = initialBackoff;
    this.flusher = new Thread(this::run, "clickhouse-writer");
    flusher.setDaemon(true);
    flusher.start();
  }

  @Override
  public CompletableFuture<Void> writeSpans(List<Span> spans) {
    return submit(
        SpanRowBinary.INSERT,
        spans,
        SpanRowBinary::encode,
        indexedKeys == null ? items -> null : items -> AttrIndexRows.encode(items, indexedKeys));
  }

  @Override
  public CompletableFuture<Void> writeLogs(List<LogRecord> logs) {
    return submit(jsonInsert("logs"), logs, items -> encode(items, LogRows::write), items -> null);
  }

  @Override
  public CompletableFuture<Void> writeMetrics(List<MetricPoint> points) {
    return submit(
        jsonInsert("metric_points"),
        points,
        items -> encode(items, MetricRows::write),
        items -> null);
  }

  @Override
  public long queuedItems() {
    lock.lock();
    try {
      return queuedItems;
    } finally {
      lock.unlock();
    }
  }

  private static String jsonInsert(String table) {
    return "INSERT INTO " + table + " FORMAT JSONEachRow";
  }

  private <T> CompletableFuture<Void> submit(
      String insert, List<T> items, RowEncoder<T> encoder, IndexEncoder<T> indexEncoder) {
    if (items.isEmpty()) return CompletableFuture.completedFuture(null);
    byte[] rows;
    byte[] indexRows;
    try {
      rows = encoder.encode(items);
      indexRows = indexEncoder.encode(items); // after the checks of encode
    } catch (RuntimeException | IOException e) {
      return CompletableFuture.failedFuture(e);
    }
    CompletableFuture<Void> future = new CompletableFuture<>();
    lock.lock();
    try {
      if (closed) {
        return CompletableFuture.failedFuture(
            new IllegalStateException("the ClickHouse storage is closed"));
      }
      // a batch larger than the whole queue is accepted only into an empty queue
      if (queuedItems > 0 && queuedItems + items.size() > queueCapacity) {
        return CompletableFuture.failedFuture(
            new StorageOverloadedException(
                "ClickHouse write queue full (" + queuedItems + " items)", retryAfter()));
      }
      queue.add(new Pending(insert, rows, indexRows, items.size(), future));
      queuedItems += items.size();
      queued.signalAll();
    } finally {
      lock.unlock();
    }
    return future;
  }

  /** About the time the flusher needs for what is queued: 100 ms per full insert, up to 10 s. */
  private Duration retryAfter() {
    long inserts = queuedItems / Math.max(1, maxBatchItems) + 1;
    return Duration.ofMillis(Math.min(10_000, 100 * inserts));
  }

  /** JSONEachRow: one JSON object per line, UTF-8. */
  private static <T> byte[] encode(List<T> items, RowWriter<T> writer) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(items.size() * 512);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.setRootValueSeparator(null);
      for (T item : items) {
        writer.write(g, item);
        g.writeRaw('\n');
      }
    }
    return out.toByteArray();
  }

  private void run() {
    while (true) {
      List<Pending> group = take();
      if (group == null) return;
      try {
        flush(group);
      } catch (Throwable t) { // never let the flusher die with futures pending
        LOG.error("ClickHouse writer failed unexpectedly", t);
        for (Pending p : group) fail(p, t);
      }
    }
  }

  /**
   * Everything queued, up to maxBatchItems (at least one batch), once maxBatchItems are waiting or
   * the oldest waited maxBatchDelay; null once closed and drained.
   */
  private List<Pending> take() {
    lock.lock();
    try {
      while (queue.isEmpty()) {
        if (closed) return null;
        queued.awaitUninterruptibly();
      }
      if (maxBatchDelayNanos > 0) {
        // hold the INSERT open while batches keep arriving: until maxBatchItems wait, the oldest
        // waited maxBatchDelay, or none arrived for a tenth of it (the senders are waiting for
        // this insert: waiting longer would only delay them)
        long deadline = queue.peekFirst().queuedAtNanos + maxBatchDelayNanos;
        long pause = maxBatchDelayNanos / 10;
        while (!closed && waitingItems() < maxBatchItems) {
          long now = System.nanoTime();
          long left = Math.min(deadline, queue.peekLast().queuedAtNanos + pause) - now;
          if (left <= 0) break;
          try {
            queued.awaitNanos(left);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            break;
          }
        }
      }
      List<Pending> group = new ArrayList<>();
      int items = 0;
      while (!queue.isEmpty()
          && (group.isEmpty() || items + queue.peekFirst().items <= maxBatchItems)) {
        Pending p = queue.pollFirst();
        group.add(p);
        items += p.items;
      }
      return group;
    } finally {
      lock.unlock();
    }
  }

  /** Items in the queue, not yet taken by the flusher. Under the lock. */
  private long waitingItems() {
    long n = 0;
    for (Pending p : queue) n += p.items;
    return n;
  }

  /** One INSERT per table for the whole group; on a final failure, each batch alone. */
  private void flush(List<Pending> group) {
    Map<String, List<Pending>> byInsert = new LinkedHashMap<>();
    for (Pending p : group) byInsert.computeIfAbsent(p.insert, t -> new ArrayList<>()).add(p);
    for (Map.Entry<String, List<Pending>> e : byInsert.entrySet()) {
      List<Pending> batches = e.getValue();
      try {
        insert(e.getKey(), batches);
        for (Pending p : batches) complete(p);
      } catch (ClickHouseException failure) {
        if (batches.size() == 1 || failure.retryable()) {
          // the server is unavailable: inserting each batch alone would fail the same way
          for (Pending p : batches) fail(p, failure);
          continue;
        }
        for (Pending p : batches) {
          try {
            insert(p.insert, List.of(p));
            complete(p);
          } catch (ClickHouseException alone) {
            fail(p, alone);
          }
        }
      }
    }
  }

  /**
   * The batches' {@code attr_index} rows first, then their rows: the index never lacks a stored
   * span (an index row whose spans then failed only proposes a candidate that the exact check
   * drops; the client's retry stores them).
   */
  private void insert(String insert, List<Pending> batches) {
    List<byte[]> index = new ArrayList<>();
    List<byte[]> rows = new ArrayList<>(batches.size());
    for (Pending p : batches) {
      if (p.indexRows != null && p.indexRows.length > 0) index.add(p.indexRows);
      rows.add(p.rows);
    }
    if (!index.isEmpty()) insertWithRetry(AttrIndexRows.INSERT, index);
    insertWithRetry(insert, rows);
  }

  private void insertWithRetry(String insert, List<byte[]> rows) {
    Duration backoff = initialBackoff;
    for (int attempt = 1; ; attempt++) {
      try {
        http.insert(insert, rows);
        return;
      } catch (ClickHouseException e) {
        if (!e.retryable() || attempt >= maxAttempts) throw e;
        LOG.warn(
            "{} failed (attempt {} of {}), retrying in {} ms: {}",
            insert.substring(0, insert.indexOf(' ', "INSERT INTO ".length())),
            attempt,
            maxAttempts,
            backoff.toMillis(),
            e.getMessage());
        try {
          Thread.sleep(backoff.toMillis());
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
        backoff = backoff.multipliedBy(2);
        if (backoff.compareTo(MAX_BACKOFF) > 0) backoff = MAX_BACKOFF;
      }
    }
  }

  private void complete(Pending p) {
    if (release(p)) completions.execute(() -> p.future.complete(null));
  }

  private void fail(Pending p, Throwable t) {
    if (release(p)) completions.execute(() -> p.future.completeExceptionally(t));
  }

  /**
   * Takes a finished batch out of the queue's count before its future completes, so a caller that
   * sees its write done never sees it still counted. False if it was released already.
   */
  private boolean release(Pending p) {
    if (p.finished) return false;
    p.finished = true;
    lock.lock();
    try {
      queuedItems -= p.items;
      queued.signalAll();
    } finally {
      lock.unlock();
    }
    return true;
  }

  /** Stops accepting, inserts everything accepted, completes the futures. Idempotent. */
  void close() {
    lock.lock();
    try {
      closed = true;
      queued.signalAll();
    } finally {
      lock.unlock();
    }
    try {
      flusher.join();
      completions.shutdown();
      completions.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
