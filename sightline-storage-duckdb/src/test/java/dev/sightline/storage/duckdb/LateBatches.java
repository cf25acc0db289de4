package dev.sightline.storage.duckdb;

import dev.sightline.core.model.Span;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/** Spans written as clients send them under load: batches of varied size, some spans late. */
final class LateBatches {
  private LateBatches() {}

  /**
   * Writes {@code spans} in their order, in batches of 1 to {@code maxBatch} spans (each awaited),
   * holding back about one span in {@code lateOneIn} and writing those last, in one batch.
   */
  static void write(
      DuckDbStorage storage, List<Span> spans, Random random, int maxBatch, int lateOneIn)
      throws Exception {
    List<Span> late = new ArrayList<>();
    List<Span> batch = new ArrayList<>();
    int size = 1 + random.nextInt(maxBatch);
    for (Span s : spans) {
      if (random.nextInt(lateOneIn) == 0) {
        late.add(s);
        continue;
      }
      batch.add(s);
      if (batch.size() >= size) {
        storage.writer().writeSpans(batch).get(30, TimeUnit.SECONDS);
        batch = new ArrayList<>();
        size = 1 + random.nextInt(maxBatch);
      }
    }
    batch.addAll(late);
    storage.writer().writeSpans(batch).get(30, TimeUnit.SECONDS);
  }
}
