package dev.sightline.server;

import com.linecorp.armeria.common.TlsKeyPair;
import com.linecorp.armeria.common.util.EventLoopGroups;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import dev.sightline.core.model.Tenants;
import dev.sightline.core.selftelemetry.SelfTelemetry;
import dev.sightline.core.selftelemetry.SpanRedMetrics;
import dev.sightline.core.storage.StorageCapability;
import dev.sightline.core.storage.StorageComponent;
import dev.sightline.incident.FileIncidentStore;
import dev.sightline.incident.IncidentManager;
import dev.sightline.otlp.receiver.OtlpReceivers;
import dev.sightline.query.QueryService;
import dev.sightline.server.api.ApiResult;
import dev.sightline.server.api.ApiRoute;
import dev.sightline.server.api.ApiRoutes;
import dev.sightline.server.api.IncidentApi;
import dev.sightline.server.api.QueryApi;
import dev.sightline.server.api.SessionApi;
import dev.sightline.server.api.SloApi;
import dev.sightline.server.api.UiApi;
import dev.sightline.server.api.UiAssets;
import dev.sightline.server.auth.AuthDecorator;
import dev.sightline.server.auth.HostCheck;
import dev.sightline.server.auth.RoleCheck;
import dev.sightline.server.auth.SessionStore;
import dev.sightline.server.auth.TenantHeaderDecorator;
import dev.sightline.server.auth.TokenStore;
import dev.sightline.server.config.ConfigLoader;
import dev.sightline.server.config.ListenAddress;
import dev.sightline.server.config.SecurityConfig;
import dev.sightline.server.config.ServerConfig;
import dev.sightline.server.storage.StorageBackends;
import dev.sightline.slo.SloProblem;
import dev.sightline.slo.alerting.SloMonitor;
import dev.sightline.slo.alerting.SloRegistry;
import dev.sightline.slo.evaluation.BurnRateEvaluator;
import dev.sightline.slo.evaluation.SliCalculator;
import dev.sightline.slo.notify.AlertDelivery;
import dev.sightline.slo.notify.DeliveryPool;
import dev.sightline.slo.notify.DeliveryStats;
import dev.sightline.slo.notify.NotificationTarget;
import dev.sightline.slo.notify.NotificationTargets;
import dev.sightline.slo.notify.NotificationUrlPolicy;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Sightline: storage, the OTLP receivers (gRPC and HTTP), the query API and the retention
 * job. {@link #close()} shuts down in the order that keeps every acknowledged item: stop accepting,
 * finish in-flight requests (which wait for durability), then close storage.
 */
public final class SightlineServer implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(SightlineServer.class);
  private static final Duration RETENTION_FIRST_RUN = Duration.ofMinutes(1);
  private static final Duration RETENTION_INTERVAL = Duration.ofHours(1);

  private final ServerConfig config;
  private final StorageComponent storage;
  private final String storageDescription;
  private final List<String> featuresOff;
  private final boolean slosEnabled;
  private final SelfTelemetry telemetry;
  private final OtlpReceivers receivers;
  private final EventLoopGroup eventLoops;
  private final EventLoopGroup apiEventLoops;
  private final Server otlpGrpc;
  private final Server otlpHttp;
  private final Server api;
  private final ScheduledExecutorService retention;

  /** Null when the backend lacks span metrics: then there are no SLOs, alerts nor incidents. */
  private final @Nullable TenantSloStacks sloStacks;

  private final ApiRoutes apiRoutes;
  private final DeliveryPool deliveryPool;
  private final AtomicBoolean closed = new AtomicBoolean();

  private SightlineServer(
      ServerConfig config, Function<SelfTelemetry, StorageBackends.Opened> openStorage) {
    this.config = config;
    ConfigLoader.checkExposure(config);
    SecurityConfig security = config.security();
    // read before anything is opened: a missing or broken token file stops the start
    TokenStore tokens = security.authEnabled() ? TokenStore.open(security.authFile()) : null;
    TlsKeyPair tls = security.tlsEnabled() ? tlsKeyPair(security) : null;
    SessionStore sessions = new SessionStore();
    try {
      Files.createDirectories(config.dataDir());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create data dir " + config.dataDir(), e);
    }
    this.telemetry = new SelfTelemetry();
    StorageBackends.Opened opened = openStorage.apply(telemetry);
    this.storage = opened.storage();
    this.storageDescription = opened.description();
    this.featuresOff = StorageBackends.featuresOff(storage);
    // SLO evaluation reads RED: without span metrics there are no SLOs, alerts nor incidents
    this.slosEnabled = StorageCapability.SPAN_METRICS.isOfferedBy(storage);
    this.receivers =
        OtlpReceivers.builder()
            // span RED counters at /metrics, counted once a batch is durable
            .writer(
                SpanRedMetrics.builder().telemetry(telemetry).build().decorate(storage.writer()))
            .telemetry(telemetry)
            .maxRequestBytes(config.maxRequestBytes())
            .maxInFlightBytes(config.maxInFlightBytes())
            .build();
    this.eventLoops = EventLoopGroups.newEventLoopGroup(Runtime.getRuntime().availableProcessors());
    // The API has its own event loop so that heavy ingest never delays /healthz or queries.
    this.apiEventLoops = EventLoopGroups.newEventLoopGroup(1);

    ServerBuilder grpc = base(config.otlpGrpc(), eventLoops, tls);
    // The gRPC service enforces the message limit and answers RESOURCE_EXHAUSTED; the HTTP/2 stream
    // limit sits above it (framing, and a compressed message may be followed by nothing else) so
    // that
    // clients get a gRPC status rather than a bare HTTP 413.
    grpc.maxRequestLength(2 * config.maxRequestBytes() + 65536);
    receivers.bindGrpc(grpc);
    ServerBuilder http = base(config.otlpHttp(), eventLoops, tls);
    http.errorHandler(receivers.httpErrorHandler());
    receivers.bindHttp(http);
    if (config.benchDiscardEndpoint()) receivers.bindDiscardHttp(http);
    QueryApi.bindHealthAndMetrics(http, storage, telemetry);
    // SLOs, alerts, incidents and notifications: one stack per tenant, evaluated on one thread
    List<NotificationTarget> notifyTargets = new ArrayList<>();
    for (String t : config.notifyTargets()) notifyTargets.addAll(NotificationTargets.parse(t));
    URI external = externalUrl(config);
    // every tenant's notifications go out on one small pool: threads never grow with targets
    this.deliveryPool = DeliveryPool.ofThreads(DeliveryPool.DEFAULT_THREADS);
    DeliveryPool pool = deliveryPool;
    if (slosEnabled) {
      TenantSloStacks stacks =
          new TenantSloStacks(t -> sloStack(config, storage, notifyTargets, external, pool, t));
      stacks.createFromFolders(config.dataDir(), config.sloDir());
      notificationGauges(telemetry, stacks, deliveryPool);
      this.sloStacks = stacks;
    } else {
      this.sloStacks = null;
    }
    ServerBuilder apiBuilder = base(config.http(), apiEventLoops, tls);
    // every /api/v1 route: one layer for roles, limits, blocking, errors, latency (ApiRoutes)
    this.apiRoutes =
        ApiRoutes.create(tokens != null ? RoleCheck.tokens(telemetry) : RoleCheck.off(), telemetry);
    new SessionApi(tokens, sessions, security.tlsEnabled()).register(apiRoutes);
    new QueryApi(QueryService.builder().storage(storage).build()).register(apiRoutes);
    // without span metrics the SLO and incident routes exist and answer 501 naming the capability
    ApiRoutes sloRoutes =
        slosEnabled ? apiRoutes : ApiRoutes.create(RoleCheck.off(), new SelfTelemetry());
    new SloApi(
            tenant -> {
              SloStack stack = slos().get(tenant);
              return stack != null ? stack.monitor() : emptyMonitor(storage, tenant);
            },
            tenant -> slos().getOrCreate(tenant).monitor(),
            Clock.systemUTC())
        .register(sloRoutes);
    new IncidentApi(
            tenant -> {
              SloStack stack = slos().get(tenant);
              return stack != null ? stack.incidents() : null;
            })
        .register(sloRoutes);
    if (!slosEnabled) {
      ApiResult off =
          new ApiResult.Rendered(
              QueryService.error(
                  501,
                  null,
                  "SLOs, alerts and incidents are off: "
                      + StorageCapability.SPAN_METRICS.missingIn(storage)));
      for (ApiRoute route : sloRoutes.routes()) {
        apiRoutes.add(route, call -> off);
      }
    }
    apiRoutes.bind(apiBuilder);
    QueryApi.bindHealthAndMetrics(apiBuilder, storage, telemetry);
    // last: the UI answers every path the API above does not (client-side routes)
    new UiApi(UiAssets.fromClasspath(SightlineServer.class.getClassLoader())).bind(apiBuilder);

    // authentication, once per listener, around every service (docs/api.md, Authentication)
    if (tokens != null) {
      grpc.decorator(
          new AuthDecorator(tokens, sessions, AuthDecorator.Listener.OTLP_GRPC, telemetry));
      http.decorator(
          new AuthDecorator(tokens, sessions, AuthDecorator.Listener.OTLP_HTTP, telemetry));
      apiBuilder.decorator(
          new AuthDecorator(tokens, sessions, AuthDecorator.Listener.API, telemetry));
    } else {
      if (security.tenantFromHeader()) {
        // a gateway in front authenticates and names the tenant in a header
        String header = security.tenantHeader();
        grpc.decorator(
            new TenantHeaderDecorator(header, AuthDecorator.Listener.OTLP_GRPC, telemetry));
        http.decorator(
            new TenantHeaderDecorator(header, AuthDecorator.Listener.OTLP_HTTP, telemetry));
        apiBuilder.decorator(
            new TenantHeaderDecorator(header, AuthDecorator.Listener.API, telemetry));
      }
      // no authentication: a loopback listener answers only loopback names (DNS rebinding)
      if (config.http().isLoopback()) apiBuilder.decorator(new HostCheck(config.externalUrl()));
      if (config.otlpHttp().isLoopback()) http.decorator(new HostCheck(config.externalUrl()));
    }
    this.otlpGrpc = grpc.build();
    this.otlpHttp = http.build();
    this.api = apiBuilder.build();
    this.retention =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "sightline-retention");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * The SLO stack of {@code tenant} (valid name): the default tenant keeps the files of a server
   * without tenants ({@code --slo-dir}'s top level, {@code DATA/slos}, {@code DATA/alerts.json},
   * {@code DATA/incidents}); another tenant reads {@code --slo-dir/TENANT} and keeps its files
   * under {@code DATA/tenants/TENANT}.
   */
  private static SloStack sloStack(
      ServerConfig config,
      StorageComponent storage,
      List<NotificationTarget> notifyTargets,
      URI external,
      DeliveryPool deliveryPool,
      String tenant) {
    boolean isDefault = tenant.equals(Tenants.DEFAULT);
    Path dir = TenantSloStacks.tenantDir(config.dataDir(), tenant);
    Path sloDir =
        config.sloDir() == null
            ? null
            : isDefault ? config.sloDir() : config.sloDir().resolve(tenant);
    SloRegistry registry =
        SloRegistry.builder()
            .directory(sloDir)
            .apiDirectory(dir.resolve("slos"))
            .notificationUrls(NotificationUrlPolicy.allowing(config.notifyAllowedHosts()))
            .build();
    for (SloProblem p : registry.problems()) {
      logger.warn("SLO spec problem{}: {}", isDefault ? "" : " (tenant " + tenant + ")", p);
    }
    SloMonitor monitor =
        SloMonitor.builder()
            .registry(registry)
            .evaluator(evaluator(storage, tenant))
            .interval(config.sloEvalInterval())
            .build();
    AlertStateFile alertState = new AlertStateFile(dir.resolve("alerts.json"), monitor.engine());
    alertState.restore(registry);
    IncidentManager incidents =
        IncidentManager.builder()
            .store(FileIncidentStore.open(dir.resolve("incidents")))
            .storage(storage)
            .tenant(tenant)
            .slos(registry::slo)
            .windowBefore(config.incidentWindowBefore())
            .windowAfter(config.incidentWindowAfter())
            .baselineLength(config.incidentBaseline())
            .verifyPeriod(config.verifyPeriod())
            .retention(config.incidentRetention())
            .build();
    // the server-wide --notify targets get every tenant's alerts, each labelled with its tenant
    AlertDelivery delivery = AlertDelivery.create(notifyTargets, external, deliveryPool);
    if (!isDefault) delivery.tenant(tenant);
    delivery.enricher(new IncidentCard(incidents, delivery.externalUrl()));
    // the first notification of an alert waits (on its own thread) for the investigation
    delivery.readyWait(config.incidentNotifyWait());
    delivery.slos(registry::slo);
    // order matters: the incident is saved (investigation running) before the notifier asks for it
    monitor.addListener(incidents);
    monitor.addListener(delivery);
    // last: a firing alert is saved only once its incident and notifications were handled, so a
    // crash in between announces it again after the restart rather than never
    monitor.addListener(alertState);
    return new SloStack(tenant, monitor, incidents, delivery);
  }

  private static BurnRateEvaluator evaluator(StorageComponent storage, String tenant) {
    return BurnRateEvaluator.builder()
        .calculator(SliCalculator.builder().storage(storage).tenant(tenant).build())
        .build();
  }

  /** What the SLO API reads for a tenant without SLOs: no specs, no alerts, never evaluated. */
  private static SloMonitor emptyMonitor(StorageComponent storage, String tenant) {
    return SloMonitor.builder()
        .registry(SloRegistry.builder().build())
        .evaluator(evaluator(storage, tenant))
        .build();
  }

  private static URI externalUrl(ServerConfig config) {
    return URI.create(
        config.externalUrl() != null
            ? config.externalUrl()
            : (config.security().tlsEnabled() ? "https://" : "http://")
                + externalHost(config.http().host())
                + ":"
                + config.http().port());
  }

  private static void notificationGauges(
      SelfTelemetry telemetry, TenantSloStacks stacks, DeliveryPool pool) {
    // the pool's counters cover every target it served, released ones too: they only grow
    telemetry.gauge(
        "sightline_notifications_sent",
        "Alert notifications delivered, over all targets.",
        pool::sent);
    telemetry.gauge(
        "sightline_notifications_failed_attempts",
        "Failed notification delivery attempts (retried), over all targets.",
        pool::failedAttempts);
    telemetry.gauge(
        "sightline_notifications_given_up",
        "Notifications given up after retrying for the maximum age, or rejected.",
        pool::givenUp);
    telemetry.gauge(
        "sightline_notifications_dropped",
        "Notifications dropped: the oldest of a full target queue, or still queued at a close.",
        pool::dropped);
    telemetry.gauge(
        "sightline_notifications_queued",
        "Notifications waiting in target queues, over all tenants.",
        () ->
            stacks.all().stream()
                .flatMap(s -> s.delivery().stats().stream())
                .mapToLong(DeliveryStats::queued)
                .sum());
    telemetry.gauge(
        "sightline_notification_targets",
        "Notification targets with a queue (in use, or released and still draining).",
        pool::targets);
    telemetry.gauge(
        "sightline_notification_delivery_threads",
        "Threads delivering notifications (a fixed pool shared by every tenant and target).",
        pool::threads);
  }

  private static String externalHost(String listenHost) {
    if (listenHost.isEmpty() || listenHost.equals("0.0.0.0") || listenHost.equals("::")) {
      return "localhost";
    }
    return listenHost.contains(":") ? "[" + listenHost + "]" : listenHost;
  }

  /** Opens storage and starts every listener; returns when all are ready. */
  public static SightlineServer start(ServerConfig config) {
    return start(config, telemetry -> StorageBackends.open(config, telemetry));
  }

  /** {@link #start(ServerConfig)} on a backend opened by {@code openStorage} (tests). */
  static SightlineServer start(
      ServerConfig config, Function<SelfTelemetry, StorageBackends.Opened> openStorage) {
    SightlineServer server = new SightlineServer(config, openStorage);
    try {
      server.otlpGrpc.start().join();
      server.otlpHttp.start().join();
      server.api.start().join();
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
    server.scheduleRetention();
    SelfTelemetry.Histogram round =
        server.telemetry.histogram(
            "sightline_slo_evaluation_duration_seconds",
            "Time to evaluate every SLO (of every tenant) once.",
            SelfTelemetry.LATENCY_BUCKETS);
    if (server.slosEnabled) {
      server.slos().start(config.sloEvalInterval(), nanos -> round.labels().observeNanos(nanos));
    }
    for (String off : server.featuresOff) logger.warn("storage: {}", off);
    SecurityConfig security = config.security();
    logger.info(
        "Sightline ready: OTLP/gRPC {}, OTLP/HTTP {}, API and web UI {}, storage {}, data {}; {},"
            + " {}",
        server.otlpGrpcPort(),
        server.otlpHttpPort(),
        server.httpPort(),
        server.storageDescription,
        config.dataDir().toAbsolutePath().normalize(),
        security.authEnabled()
            ? "authentication on (tokens of " + security.authFile() + ")"
            : "authentication OFF"
                + (security.tenantFromHeader()
                    ? " (tenant from header " + security.tenantHeader() + ", set by a gateway)"
                    : "")
                + (security.insecureNoAuth()
                    ? " (--insecure-no-auth: anyone who can reach the ports can read and write)"
                    : " (loopback only; give --auth-file to serve other machines)"),
        security.tlsEnabled() ? "TLS on" : "TLS off");
    return server;
  }

  private static TlsKeyPair tlsKeyPair(SecurityConfig security) {
    try {
      return TlsKeyPair.of(security.tlsKey().toFile(), security.tlsCert().toFile());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "cannot use --tls-cert "
              + security.tlsCert()
              + " and --tls-key "
              + security.tlsKey()
              + " (PEM certificate chain, PKCS#8 PEM key): "
              + e.getMessage(),
          e);
    }
  }

  /** A listener on {@code address}: HTTPS (and gRPC over TLS) when {@code tls} is given. */
  private static ServerBuilder base(
      ListenAddress address, EventLoopGroup workers, @Nullable TlsKeyPair tls) {
    ServerBuilder sb = Server.builder();
    if (tls != null) {
      sb.https(address.toSocketAddress()).tls(tls);
    } else {
      sb.http(address.toSocketAddress());
    }
    return sb.workerGroup(workers, false)
        .requestTimeout(Duration.ofSeconds(60))
        .gracefulShutdownTimeout(Duration.ZERO, Duration.ofSeconds(30));
  }

  private void scheduleRetention() {
    if (config.retention().isZero()) return;
    retention.scheduleWithFixedDelay(
        this::applyRetention,
        RETENTION_FIRST_RUN.toSeconds(),
        RETENTION_INTERVAL.toSeconds(),
        TimeUnit.SECONDS);
  }

  /** Deletes telemetry older than the configured retention now; returns rows removed. */
  public long applyRetention() {
    if (config.retention().isZero()) return 0;
    long cutoff = System.currentTimeMillis() * 1_000_000L - config.retention().toNanos();
    try {
      long removed = storage.deleteBefore(cutoff);
      if (removed != 0)
        logger.info("retention removed {} rows older than {}", removed, config.retention());
      return removed;
    } catch (RuntimeException e) {
      logger.warn("retention run failed", e);
      return 0;
    }
  }

  public int otlpGrpcPort() {
    return otlpGrpc.activeLocalPort();
  }

  public int otlpHttpPort() {
    return otlpHttp.activeLocalPort();
  }

  public int httpPort() {
    return api.activeLocalPort();
  }

  /** Every declared {@code /api/v1} route of the API listener (the API layer's registry). */
  public List<ApiRoute> apiRoutes() {
    return apiRoutes.routes();
  }

  public StorageComponent storage() {
    return storage;
  }

  /**
   * The backend as the start-up log names it, e.g. {@code ClickHouse 18.16.1 at URL, database D}.
   */
  public String storageDescription() {
    return storageDescription;
  }

  public SelfTelemetry telemetry() {
    return telemetry;
  }

  /** Incidents opened by the default tenant's firing alerts. */
  public IncidentManager incidents() {
    return slos().defaultTenant().incidents();
  }

  /** Delivers the default tenant's alert transitions to the notification targets. */
  public AlertDelivery alertDelivery() {
    return slos().defaultTenant().delivery();
  }

  /** The default tenant's SLO monitor: its registry of specs and its alerts. */
  public SloMonitor sloMonitor() {
    return slos().defaultTenant().monitor();
  }

  /** The SLO monitor of {@code tenant}, or null when that tenant has no SLOs. */
  public @Nullable SloMonitor sloMonitor(String tenant) {
    SloStack stack = sloStacks == null ? null : sloStacks.get(tenant);
    return stack == null ? null : stack.monitor();
  }

  /** The incidents of {@code tenant}, or null when that tenant has no SLOs. */
  public @Nullable IncidentManager incidents(String tenant) {
    SloStack stack = sloStacks == null ? null : sloStacks.get(tenant);
    return stack == null ? null : stack.incidents();
  }

  /** The SLO stacks; fails when SLOs are off (a backend without span metrics). */
  private TenantSloStacks slos() {
    if (sloStacks == null) {
      throw new IllegalStateException(
          "SLOs are off: " + StorageCapability.SPAN_METRICS.missingIn(storage));
    }
    return sloStacks;
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) return;
    long startNanos = System.nanoTime();
    List<Throwable> errors = new ArrayList<>();
    logger.info("shutting down: stopping SLO evaluation and alert delivery");
    retention.shutdownNow();
    // every tenant: evaluation stops, investigations finish, then queued notifications go out
    if (sloStacks != null) sloStacks.close();
    deliveryPool.close();
    logger.info("shutting down: stopping listeners, finishing in-flight requests");
    // Stop all listeners at once: each stops accepting, then finishes its in-flight requests
    // (which wait for durability).
    List<CompletableFuture<Void>> stops = new ArrayList<>();
    for (Server s : List.of(otlpGrpc, otlpHttp, api)) stops.add(s.stop());
    for (CompletableFuture<Void> stop : stops) {
      try {
        stop.join();
      } catch (RuntimeException e) {
        errors.add(e);
      }
    }
    receivers.close();
    try {
      if (!retention.awaitTermination(60, TimeUnit.SECONDS)) {
        errors.add(new IllegalStateException("retention run still going after 60 s"));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      storage.close();
      logger.info("shutting down: storage closed");
    } catch (RuntimeException e) {
      errors.add(e);
    }
    eventLoops.shutdownGracefully(0, 5, TimeUnit.SECONDS);
    apiEventLoops.shutdownGracefully(0, 5, TimeUnit.SECONDS);
    logger.info(
        "Sightline stopped after {} ms{}",
        (System.nanoTime() - startNanos) / 1_000_000,
        errors.isEmpty() ? "" : " with " + errors.size() + " error(s)");
    if (!errors.isEmpty()) {
      RuntimeException first = new IllegalStateException("errors while stopping", errors.get(0));
      for (int i = 1; i < errors.size(); i++) first.addSuppressed(errors.get(i));
      throw first;
    }
  }
}
