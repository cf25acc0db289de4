package dev.sightline.storage.duckdb;

import dev.sightline.core.model.Span;
import dev.sightline.testing.TelemetryGenerator;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Semaphore;

/**
 * Child process of {@link KillDurabilityTest}: writes generated traces with up to 16 batches in
 * flight and prints {@code ACK <index> <traceId>} once each write's future completed, until the
 * parent kills it.
 */
public final class CrashingWriter {
  static final long SEED = 99;
  static final long START = 1_700_000_000_000_000_000L;

  static TelemetryGenerator generator() {
    return TelemetryGenerator.builder()
        .seed(SEED)
        .startTimeUnixNano(START)
        .spansPerTrace(12)
        .build();
  }

  public static void main(String[] args) throws Exception {
    DuckDbStorage storage = DuckDbStorage.builder().dataDir(Path.of(args[0])).build();
    TelemetryGenerator generator = generator();
    Semaphore inFlight = new Semaphore(16);
    System.out.println("READY");
    System.out.flush();
    for (int i = 0; ; i++) {
      inFlight.acquire();
      List<Span> trace = generator.nextTrace();
      int index = i;
      storage
          .writer()
          .writeSpans(trace)
          .whenComplete(
              (ok, error) -> {
                if (error == null) {
                  synchronized (System.out) {
                    System.out.println("ACK " + index + " " + trace.get(0).traceId());
                    System.out.flush();
                  }
                }
                inFlight.release();
              });
    }
  }
}
