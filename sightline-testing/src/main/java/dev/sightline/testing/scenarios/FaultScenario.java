package dev.sightline.testing.scenarios;

import static java.util.Objects.requireNonNull;

import dev.sightline.core.model.SpanKind;
import dev.sightline.core.model.Tenants;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A deterministic fault scenario in the simulated shop: a baseline of healthy traffic, then one
 * {@link FaultKind fault} until {@link #faultEnd()}, with the ground truth an investigation should
 * arrive at. Identical settings (seed included) give identical telemetry.
 *
 * <p>The shop: frontend {@code GET /checkout} calls order {@code Shop.OrderService.PlaceOrder},
 * which verifies the user with auth {@code Shop.AuthService.Verify}, reserves stock with inventory
 * {@code Shop.InventoryService.Reserve} (which verifies with auth as well and runs {@code SELECT
 * inventory} on postgres), charges with payment {@code Shop.PaymentService.Charge} (which calls an
 * external provider, {@code POST /v1/charges}) and publishes to Kafka topic {@code
 * orders.shipping}; shipping consumes it ({@code orders.shipping process}) in the same trace and
 * inserts the shipment. Five tenants ({@code tenant.id}; acme has a quarter of the traffic), two or
 * three instances per service, a base error rate of about 0.04 % per checkout.
 *
 * <pre>{@code
 * FaultScenario scenario = FaultScenario.builder(FaultKind.SLOW_DB_QUERY).end(now).build();
 * scenario.telemetry().writeTo(storage);
 * scenario.afterFix(scenario.faultEnd(), Duration.ofMinutes(10), true).writeTo(storage);
 * }</pre>
 */
public final class FaultScenario {

  private static final SloScope CHECKOUT =
      new SloScope("frontend", "GET /checkout", SpanKind.SERVER);

  private final FaultKind kind;
  private final long seed;
  private final String tenant;
  private final double requestsPerSecond;
  private final Instant baselineStart;
  private final Instant faultStart;
  private final Instant faultEnd;

  private FaultScenario(Builder b, Instant end) {
    this.kind = b.kind;
    this.seed = b.seed;
    this.tenant = b.tenant;
    this.requestsPerSecond = b.requestsPerSecond;
    this.faultEnd = end;
    this.faultStart = end.minus(b.faultDuration);
    this.baselineStart = faultStart.minus(b.baseline);
  }

  /** A builder for a scenario of {@code kind}; every other setting has a default. */
  public static Builder builder(FaultKind kind) {
    return new Builder(requireNonNull(kind, "kind"));
  }

  public FaultKind kind() {
    return kind;
  }

  public long seed() {
    return seed;
  }

  /** The Sightline tenant every span and log is stored under (not the shop's {@code tenant.id}). */
  public String tenant() {
    return tenant;
  }

  /** Mean checkout requests per second (Poisson arrivals). */
  public double requestsPerSecond() {
    return requestsPerSecond;
  }

  /** Start of the healthy baseline. */
  public Instant baselineStart() {
    return baselineStart;
  }

  /** When the fault starts (for {@link FaultKind#HEALTHY}: when it would have). */
  public Instant faultStart() {
    return faultStart;
  }

  /** End of the generated traffic: requests arrive before it. */
  public Instant faultEnd() {
    return faultEnd;
  }

  /** Whether the fault should open an incident: false only for {@link FaultKind#HEALTHY}. */
  public boolean expectsIncident() {
    return kind != FaultKind.HEALTHY;
  }

  /**
   * The service the top hypothesis should name.
   *
   * @throws IllegalStateException for {@link FaultKind#HEALTHY}, which has no culprit
   */
  public String expectedService() {
    return switch (culprit()) {
      case SLOW_DB_QUERY -> "inventory";
      case DEPENDENCY_ERRORS -> "payment";
      case SINGLE_TENANT, BAD_RELEASE -> "order";
      case SLOW_CONSUMER -> "shipping";
      case SHARED_DEPENDENCY -> "auth";
      case HEALTHY -> throw new AssertionError();
    };
  }

  /**
   * The operation (span name) the top hypothesis should name: for a slow query the query span
   * {@code SELECT inventory}, for provider errors the server operation {@code
   * Shop.PaymentService.Charge}.
   *
   * @throws IllegalStateException for {@link FaultKind#HEALTHY}
   */
  public String expectedOperation() {
    return switch (culprit()) {
      case SLOW_DB_QUERY -> "SELECT inventory";
      case DEPENDENCY_ERRORS -> "Shop.PaymentService.Charge";
      case SINGLE_TENANT, BAD_RELEASE -> "Shop.OrderService.PlaceOrder";
      case SLOW_CONSUMER -> "orders.shipping process";
      case SHARED_DEPENDENCY -> "Shop.AuthService.Verify";
      case HEALTHY -> throw new AssertionError();
    };
  }

  /**
   * Operations of {@link #expectedService()} that are also a right answer: {@link
   * #expectedOperation()} and, where the fault sits in an outgoing call, the operation around it
   * (inventory {@code Shop.InventoryService.Reserve} for the slow query) or the call itself
   * (payment {@code POST /v1/charges}).
   *
   * @throws IllegalStateException for {@link FaultKind#HEALTHY}
   */
  public Set<String> acceptedOperations() {
    return switch (culprit()) {
      case SLOW_DB_QUERY -> Set.of("SELECT inventory", "Shop.InventoryService.Reserve");
      case DEPENDENCY_ERRORS -> Set.of("Shop.PaymentService.Charge", "POST /v1/charges");
      default -> Set.of(expectedOperation());
    };
  }

  /**
   * The attribute concentrated in the failing spans when it is what distinguishes the fault: {@code
   * tenant.id=acme} for {@link FaultKind#SINGLE_TENANT}, resource {@code service.version=1.5.0} for
   * {@link FaultKind#BAD_RELEASE}; empty otherwise.
   */
  public Optional<ExpectedAttribute> expectedAttribute() {
    return switch (kind) {
      case SINGLE_TENANT -> Optional.of(new ExpectedAttribute("tenant.id", ShopTraffic.ACME));
      case BAD_RELEASE -> Optional.of(new ExpectedAttribute("service.version", "1.5.0"));
      default -> Optional.empty();
    };
  }

  /**
   * The operation whose error-ratio SLO should alert: what users see failing, frontend {@code GET
   * /checkout} (SERVER), except for {@link FaultKind#SLOW_CONSUMER}, where only shipping's {@code
   * orders.shipping process} (CONSUMER) fails. For {@link FaultKind#HEALTHY} the checkout scope,
   * which must not alert.
   */
  public SloScope sloScope() {
    return kind == FaultKind.SLOW_CONSUMER
        ? new SloScope("shipping", "orders.shipping process", SpanKind.CONSUMER)
        : CHECKOUT;
  }

  /**
   * The version of {@link #expectedService()} that {@link #afterFix} deploys: {@code 1.5.1} for a
   * bad release of order, otherwise the culprit's base version with its patch number raised.
   *
   * @throws IllegalStateException for {@link FaultKind#HEALTHY}
   */
  public String fixVersion() {
    if (kind == FaultKind.BAD_RELEASE) return "1.5.1";
    String base = ShopTraffic.baseVersion(expectedService());
    int dot = base.lastIndexOf('.');
    return base.substring(0, dot + 1) + (Integer.parseInt(base.substring(dot + 1)) + 1);
  }

  /** The version {@code service} runs when no release or fix changed it (order: 1.4.2). */
  public static String baseVersion(String service) {
    return ShopTraffic.baseVersion(service);
  }

  /** Baseline then fault: requests arriving in [{@link #baselineStart()}, {@link #faultEnd()}). */
  public ScenarioTelemetry telemetry() {
    long start = nanos(baselineStart);
    long end = nanos(faultEnd);
    long faultFrom = kind == FaultKind.HEALTHY ? Long.MAX_VALUE : nanos(faultStart);
    boolean release = kind == FaultKind.BAD_RELEASE;
    ShopTraffic.Plan plan =
        new ShopTraffic.Plan(
            kind,
            tenant,
            seed,
            requestsPerSecond,
            start,
            end,
            faultFrom,
            nanos(faultStart),
            release ? "order" : null,
            "1.5.0",
            release ? nanos(faultStart) : Long.MAX_VALUE);
    return new ScenarioTelemetry(() -> new ShopTraffic(plan), start, end);
  }

  /**
   * Traffic after a remediation: requests arriving in [{@code from}, {@code from + length}), with
   * {@link #expectedService()} running {@link #fixVersion()}. When {@code fixed} the shop is
   * healthy again; otherwise the fault continues in the new version (a consumer's lag keeps growing
   * from {@link #faultStart()}). For {@link FaultKind#HEALTHY}, healthy traffic either way.
   * Deterministic in the seed and {@code from}'s offset from {@link #faultEnd()}: like {@link
   * #telemetry()}, the same whatever the wall-clock time the scenario ends at.
   */
  public ScenarioTelemetry afterFix(Instant from, Duration length, boolean fixed) {
    requireNonNull(from, "from");
    requireNonNull(length, "length");
    if (length.isNegative() || length.isZero()) {
      throw new IllegalArgumentException("length must be positive");
    }
    long start = nanos(from);
    long end = nanos(from.plus(length));
    boolean healthy = kind == FaultKind.HEALTHY;
    ShopTraffic.Plan plan =
        new ShopTraffic.Plan(
            kind,
            tenant,
            // the offset from the fault's end, not the instant itself: the same scenario at another
            // time of day gets the same traffic, so a test's outcome does not depend on when it
            // runs
            seed * 31 + (start - nanos(faultEnd)),
            requestsPerSecond,
            start,
            end,
            healthy || fixed ? Long.MAX_VALUE : start,
            nanos(faultStart),
            healthy ? null : expectedService(),
            healthy ? "" : fixVersion(),
            healthy ? Long.MAX_VALUE : start);
    return new ScenarioTelemetry(() -> new ShopTraffic(plan), start, end);
  }

  @Override
  public String toString() {
    return "FaultScenario{"
        + kind
        + ", seed="
        + seed
        + ", "
        + baselineStart
        + ".."
        + faultStart
        + ".."
        + faultEnd
        + "}";
  }

  private FaultKind culprit() {
    if (kind == FaultKind.HEALTHY) {
      throw new IllegalStateException("a HEALTHY scenario has no culprit");
    }
    return kind;
  }

  private static long nanos(Instant instant) {
    return Math.addExact(
        Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L), instant.getNano());
  }

  /** Validating builder. */
  public static final class Builder {
    private final FaultKind kind;
    private @Nullable Instant end;
    private Duration baseline = Duration.ofMinutes(60);
    private Duration faultDuration = Duration.ofMinutes(15);
    private double requestsPerSecond = 4;
    private long seed = 1;
    private String tenant = Tenants.DEFAULT;

    private Builder(FaultKind kind) {
      this.kind = kind;
    }

    /** End of the fault period; default: now, truncated to a 10-second bucket. */
    public Builder end(Instant end) {
      this.end = requireNonNull(end, "end");
      return this;
    }

    /** Length of the healthy baseline before the fault; default 60 minutes. */
    public Builder baseline(Duration baseline) {
      requireNonNull(baseline, "baseline");
      if (baseline.isNegative())
        throw new IllegalArgumentException("baseline must be non-negative");
      this.baseline = baseline;
      return this;
    }

    /** Length of the fault period; default 15 minutes. */
    public Builder faultDuration(Duration faultDuration) {
      requireNonNull(faultDuration, "faultDuration");
      if (faultDuration.isNegative() || faultDuration.isZero()) {
        throw new IllegalArgumentException("faultDuration must be positive");
      }
      this.faultDuration = faultDuration;
      return this;
    }

    /**
     * Mean checkout requests per second; default 4 (a checkout is 16 spans, so the default 75
     * minutes hold about 290,000 spans).
     */
    public Builder requestsPerSecond(double requestsPerSecond) {
      if (!(requestsPerSecond > 0 && requestsPerSecond <= 1000)) {
        throw new IllegalArgumentException("requestsPerSecond must be in (0, 1000]");
      }
      this.requestsPerSecond = requestsPerSecond;
      return this;
    }

    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** The Sightline tenant to store under; default {@link Tenants#DEFAULT}. */
    public Builder tenant(String tenant) {
      requireNonNull(tenant, "tenant");
      if (tenant.isEmpty()) throw new IllegalArgumentException("tenant must not be empty");
      this.tenant = tenant;
      return this;
    }

    public FaultScenario build() {
      Instant e = end;
      if (e == null) {
        long now = System.currentTimeMillis() / 1000;
        e = Instant.ofEpochSecond(now - Math.floorMod(now, 10));
      }
      return new FaultScenario(this, e);
    }
  }
}
