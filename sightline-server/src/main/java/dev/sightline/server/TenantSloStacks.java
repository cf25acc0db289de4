package dev.sightline.server;

import static java.util.Objects.requireNonNull;

import dev.sightline.core.model.Tenants;
import dev.sightline.slo.alerting.SpecRejectedException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link SloStack} of every tenant that has SLOs, and the one thread that evaluates them all.
 *
 * <p>A stack exists for the default tenant, for each tenant folder found at start (sub-folders of
 * {@code --slo-dir}, folders {@code DATA/tenants/NAME}), and is created the first time a caller of
 * a new tenant stores an SLO through the API. At most {@link #MAX_TENANTS} stacks exist; storing an
 * SLO for one more tenant is refused (503). Every evaluation round ticks each tenant's monitor in
 * turn on one daemon thread, so the evaluation cost grows with the number of SLOs, never with a
 * thread per tenant; a tenant whose tick fails does not stop the others.
 */
final class TenantSloStacks implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(TenantSloStacks.class);

  /** Most tenants with SLOs of their own. */
  static final int MAX_TENANTS = 1000;

  private final Function<String, SloStack> factory;
  private final Map<String, SloStack> stacks = new ConcurrentHashMap<>();
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "sightline-slo-monitor");
            t.setDaemon(true);
            return t;
          });
  private volatile boolean closed;

  /** Stacks built by {@code factory} (given a valid tenant name), the default tenant's at once. */
  TenantSloStacks(Function<String, SloStack> factory) {
    this.factory = requireNonNull(factory, "factory");
    create(Tenants.DEFAULT);
  }

  /**
   * Creates the stacks of the tenants that have a folder: {@code DATA/tenants/NAME} and, when
   * given, {@code SLO_DIR/NAME}. Folders whose name is not a valid tenant name are skipped
   * (logged).
   */
  void createFromFolders(Path dataDir, @Nullable Path sloDir) {
    TreeSet<String> found = new TreeSet<>();
    folders(dataDir.resolve("tenants"), found);
    if (sloDir != null) {
      folders(sloDir, found);
      if (Files.isDirectory(sloDir.resolve(Tenants.DEFAULT))) {
        logger.warn(
            "folder {} is ignored: the default tenant's specs are the top level of {}",
            sloDir.resolve(Tenants.DEFAULT),
            sloDir);
      }
    }
    found.remove(Tenants.DEFAULT);
    for (String tenant : found) {
      try {
        getOrCreate(tenant);
      } catch (RuntimeException e) {
        logger.warn("no SLOs for tenant {}: {}", tenant, e.getMessage());
      }
    }
  }

  private static void folders(Path dir, TreeSet<String> out) {
    if (!Files.isDirectory(dir)) return;
    try (Stream<Path> s = Files.list(dir)) {
      s.filter(Files::isDirectory)
          .map(p -> p.getFileName().toString())
          .filter(n -> !n.startsWith("."))
          .forEach(
              n -> {
                if (Tenants.isValid(n)) out.add(n);
                else
                  logger.warn(
                      "folder {} is not a tenant name; its SLOs are ignored", dir.resolve(n));
              });
    } catch (IOException e) {
      logger.warn("cannot list tenant folders of {}: {}", dir, e.getMessage());
    }
  }

  /** The stack of {@code tenant}, or null when the tenant has none. */
  @Nullable SloStack get(String tenant) {
    return stacks.get(tenant);
  }

  /** The stack of the default tenant. */
  SloStack defaultTenant() {
    return requireNonNull(stacks.get(Tenants.DEFAULT));
  }

  /**
   * The stack of {@code tenant}, created when it has none.
   *
   * @throws SpecRejectedException (503) when {@link #MAX_TENANTS} tenants have stacks already
   * @throws IllegalArgumentException when {@code tenant} is not a valid tenant name
   */
  SloStack getOrCreate(String tenant) {
    SloStack existing = stacks.get(tenant);
    if (existing != null) return existing;
    return create(tenant);
  }

  private synchronized SloStack create(String tenant) {
    Tenants.check(tenant);
    SloStack existing = stacks.get(tenant);
    if (existing != null) return existing;
    if (closed) throw new SpecRejectedException(503, "the server is stopping");
    if (stacks.size() >= MAX_TENANTS) {
      throw new SpecRejectedException(
          503, "SLOs are limited to " + MAX_TENANTS + " tenants; this server has reached it");
    }
    SloStack stack = factory.apply(tenant);
    stacks.put(tenant, stack);
    if (!tenant.equals(Tenants.DEFAULT)) logger.info("SLOs of tenant {} are evaluated", tenant);
    return stack;
  }

  /** Every stack, in no particular order. */
  List<SloStack> all() {
    return new ArrayList<>(stacks.values());
  }

  /**
   * Evaluates every tenant every {@code interval} on one thread, the first round at once; {@code
   * roundObserver} gets each round's duration in nanoseconds.
   */
  void start(Duration interval, Consumer<Long> roundObserver) {
    scheduler.scheduleWithFixedDelay(
        () -> {
          long started = System.nanoTime();
          evaluateAll();
          roundObserver.accept(System.nanoTime() - started);
        },
        0,
        interval.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /** One evaluation round: each tenant's monitor in turn, on the calling thread. */
  void evaluateAll() {
    for (SloStack stack : all()) {
      if (closed) return;
      try {
        stack.monitor().tick();
      } catch (RuntimeException e) {
        logger.warn(
            "SLO evaluation of tenant {} failed; retrying at the next round", stack.tenant(), e);
      }
    }
  }

  /** Stops the evaluation (a round under way finishes), then closes every stack. */
  @Override
  public void close() {
    synchronized (this) {
      closed = true;
    }
    scheduler.shutdown();
    try {
      if (!scheduler.awaitTermination(10, TimeUnit.SECONDS)) scheduler.shutdownNow();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (SloStack stack : all()) stack.close();
  }

  /**
   * The folder of {@code tenant}'s files under {@code dataDir}: the data dir itself for default.
   */
  static Path tenantDir(Path dataDir, String tenant) {
    Tenants.check(tenant);
    if (tenant.equals(Tenants.DEFAULT)) return dataDir;
    Path root = dataDir.resolve("tenants").toAbsolutePath().normalize();
    Path dir = root.resolve(tenant).normalize();
    // a valid name never leaves the folder; checked again since it becomes a path
    if (!dir.getParent().equals(root)) throw new IllegalArgumentException("tenant " + tenant);
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir, e);
    }
    return dir;
  }
}
