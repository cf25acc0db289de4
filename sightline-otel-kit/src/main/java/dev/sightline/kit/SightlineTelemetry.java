package dev.sightline.kit;

import static java.util.Objects.requireNonNull;

import dev.sightline.kit.baggage.BaggageGuard;
import dev.sightline.kit.baggage.BaggageLogRecordProcessor;
import dev.sightline.kit.baggage.BaggageSpanProcessor;
import dev.sightline.kit.export.StdoutExporterProviders;
import dev.sightline.kit.logs.LogSampler;
import dev.sightline.kit.logs.LogbackCorrelation;
import dev.sightline.kit.metrics.MetricCardinalityGuard;
import dev.sightline.kit.redaction.PiiRedactor;
import dev.sightline.kit.redaction.RedactingLogRecordProcessor;
import dev.sightline.kit.redaction.RedactingSpanProcessor;
import dev.sightline.kit.trace.Traced;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdkBuilder;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.logs.LogRecordProcessor;
import io.opentelemetry.sdk.resources.Resource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;

/**
 * The OpenTelemetry SDK configured by autoconfigure, so every standard {@code OTEL_*} variable
 * keeps its meaning, plus what seed 004's pitfalls list demands by default:
 *
 * <ul>
 *   <li>a resource with {@code service.name}, {@code service.version} and {@code
 *       deployment.environment.name} (the builder's values fill what {@code OTEL_SERVICE_NAME} /
 *       {@code OTEL_RESOURCE_ATTRIBUTES} leave unset, unless {@link Builder#overrideResource} is
 *       used);
 *   <li>OTLP over {@code http/protobuf} (the specification's default) unless {@code
 *       OTEL_EXPORTER_OTLP_PROTOCOL} says otherwise;
 *   <li>batch span and log processors with bounded queues (8192) and export timeouts (10 s), OTLP
 *       exporter timeouts (10 s), a 10 s metric export interval, all overridable by {@code
 *       OTEL_BSP_*}, {@code OTEL_BLRP_*}, {@code OTEL_EXPORTER_OTLP_TIMEOUT}, {@code
 *       OTEL_METRIC_EXPORT_INTERVAL};
 *   <li>W3C {@code tracecontext} and {@code baggage} propagators, with the {@link BaggageGuard}
 *       enforcing its rules on what is injected and extracted;
 *   <li>PII redaction on exported spans and log records, {@code tenant.id} baggage copied onto
 *       spans and log records, the {@link MetricCardinalityGuard} view, an optional {@link
 *       LogSampler};
 *   <li>a shutdown hook that runs the registered shutdown actions (stop accepting work) and then
 *       flushes and shuts down traces, metrics and logs within {@link Builder#shutdownTimeout}.
 * </ul>
 *
 * <pre>{@code
 * SightlineTelemetry telemetry = SightlineTelemetry.builder()
 *     .serviceName("dice").serviceVersion("0.1.0").deploymentEnvironment("dev")
 *     .consoleExportersUnlessOtlpEndpointSet()
 *     .build();
 * Tracer tracer = telemetry.openTelemetry().getTracer("rolldice");
 * }</pre>
 */
public final class SightlineTelemetry implements AutoCloseable {
  private static final Logger logger = Logger.getLogger(SightlineTelemetry.class.getName());

  static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");
  static final AttributeKey<String> SERVICE_VERSION = AttributeKey.stringKey("service.version");
  static final AttributeKey<String> DEPLOYMENT_ENVIRONMENT_NAME =
      AttributeKey.stringKey("deployment.environment.name");
  static final AttributeKey<String> DEPLOYMENT_ENVIRONMENT =
      AttributeKey.stringKey("deployment.environment");

  /** Defaults applied below every {@code OTEL_*} variable and system property. */
  static final Map<String, String> DEFAULT_PROPERTIES =
      Map.ofEntries(
          Map.entry("otel.propagators", "tracecontext,baggage"),
          // the specification's default; the Java SDK still defaults to grpc
          Map.entry("otel.exporter.otlp.protocol", "http/protobuf"),
          Map.entry("otel.bsp.max.queue.size", "8192"),
          Map.entry("otel.bsp.max.export.batch.size", "512"),
          Map.entry("otel.bsp.schedule.delay", "1000"),
          Map.entry("otel.bsp.export.timeout", "10000"),
          Map.entry("otel.blrp.max.queue.size", "8192"),
          Map.entry("otel.blrp.max.export.batch.size", "512"),
          Map.entry("otel.blrp.schedule.delay", "1000"),
          Map.entry("otel.blrp.export.timeout", "10000"),
          Map.entry("otel.exporter.otlp.timeout", "10000"),
          Map.entry("otel.metric.export.interval", "10000"));

  private static final List<String> SIGNALS = List.of("traces", "metrics", "logs");

  private final OpenTelemetrySdk sdk;
  private final Resource resource;
  private final Duration shutdownTimeout;
  private final List<Runnable> shutdownActions = new CopyOnWriteArrayList<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final @Nullable Thread shutdownHook;
  private final @Nullable LogSampler logSampler;

  private SightlineTelemetry(
      OpenTelemetrySdk sdk,
      Resource resource,
      Duration shutdownTimeout,
      boolean registerShutdownHook,
      @Nullable LogSampler logSampler) {
    this.sdk = sdk;
    this.resource = resource;
    this.shutdownTimeout = shutdownTimeout;
    this.logSampler = logSampler;
    if (registerShutdownHook) {
      String name = resource.getAttribute(SERVICE_NAME);
      this.shutdownHook = new Thread(this::shutdownFromHook, "sightline-telemetry-" + name);
      Runtime.getRuntime().addShutdownHook(shutdownHook);
    } else {
      this.shutdownHook = null;
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The configured SDK. */
  public OpenTelemetrySdk sdk() {
    return sdk;
  }

  /** The configured SDK, as the API type instrumentation takes. */
  public OpenTelemetry openTelemetry() {
    return sdk;
  }

  /** The resource every signal carries. */
  public Resource resource() {
    return resource;
  }

  /** Typed span helpers on this SDK's tracer for {@code scopeName}. */
  public Traced traced(String scopeName) {
    return Traced.create(sdk, scopeName);
  }

  /** The log sampler in the log pipeline, if one was configured. */
  public @Nullable LogSampler logSampler() {
    return logSampler;
  }

  /**
   * Registers {@code action} to run, in registration order, when this instance closes and before
   * telemetry is flushed; for example stopping an HTTP server so its last spans are exported.
   */
  public void addShutdownAction(Runnable action) {
    shutdownActions.add(requireNonNull(action, "action"));
  }

  /** Whether {@link #close()} has run (or the shutdown hook has). */
  public boolean isClosed() {
    return closed.get();
  }

  /** Exports everything buffered in the three signals' pipelines. */
  public CompletableResultCode flush() {
    return CompletableResultCode.ofAll(
        List.of(
            sdk.getSdkTracerProvider().forceFlush(),
            sdk.getSdkMeterProvider().forceFlush(),
            sdk.getSdkLoggerProvider().forceFlush()));
  }

  /**
   * Runs the shutdown actions, then flushes and shuts down the three signals, waiting at most the
   * shutdown timeout. Idempotent.
   */
  @Override
  public void close() {
    if (shutdownHook != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException shuttingDown) {
        // Called from another shutdown hook: ours runs too and finds us closed.
      }
    }
    shutdown();
  }

  private void shutdownFromHook() {
    shutdown();
  }

  private void shutdown() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    for (Runnable action : shutdownActions) {
      try {
        action.run();
      } catch (RuntimeException e) {
        logger.log(Level.WARNING, "shutdown action failed", e);
      }
    }
    // Shutting a provider down flushes it first. Traces and logs go before metrics so that the
    // final metric collection includes the work those last spans and logs describe.
    CompletableResultCode tracesAndLogs =
        CompletableResultCode.ofAll(
            List.of(sdk.getSdkTracerProvider().shutdown(), sdk.getSdkLoggerProvider().shutdown()));
    long deadline = System.nanoTime() + shutdownTimeout.toNanos();
    tracesAndLogs.join(shutdownTimeout.toNanos(), TimeUnit.NANOSECONDS);
    long left = Math.max(1, deadline - System.nanoTime());
    CompletableResultCode metrics =
        sdk.getSdkMeterProvider().shutdown().join(left, TimeUnit.NANOSECONDS);
    if (!tracesAndLogs.isSuccess() || !metrics.isSuccess()) {
      logger.warning(
          "telemetry of "
              + resource.getAttribute(SERVICE_NAME)
              + " not fully flushed within "
              + shutdownTimeout);
    }
  }

  /** Builder for {@link SightlineTelemetry}. */
  public static final class Builder {
    private @Nullable String serviceName;
    private @Nullable String serviceVersion;
    private @Nullable String deploymentEnvironment;
    private final AttributesBuilder overrides = Attributes.builder();
    private final Map<String, String> properties = new LinkedHashMap<>();
    private boolean consoleUnlessOtlp;
    private @Nullable PiiRedactor redactor = PiiRedactor.defaults();
    private @Nullable Set<String> logAttributeAllowList;
    private @Nullable BaggageGuard baggageGuard = BaggageGuard.defaults();
    private List<String> baggageKeysToCopy = List.of("tenant.id");
    private @Nullable MetricCardinalityGuard cardinalityGuard = MetricCardinalityGuard.defaults();
    private @Nullable LogSampler logSampler;
    private boolean shutdownHook = true;
    private Duration shutdownTimeout = Duration.ofSeconds(10);
    private boolean global;
    private boolean installLogback;
    private final List<Consumer<AutoConfiguredOpenTelemetrySdkBuilder>> customizers =
        new ArrayList<>();

    private Builder() {}

    /**
     * {@code service.name} unless {@code OTEL_SERVICE_NAME}/{@code OTEL_RESOURCE_ATTRIBUTES} set
     * it.
     */
    public Builder serviceName(String serviceName) {
      this.serviceName = requireNonEmpty(serviceName, "serviceName");
      return this;
    }

    /** {@code service.version} unless {@code OTEL_RESOURCE_ATTRIBUTES} sets it. */
    public Builder serviceVersion(String serviceVersion) {
      this.serviceVersion = requireNonEmpty(serviceVersion, "serviceVersion");
      return this;
    }

    /** {@code deployment.environment.name} unless {@code OTEL_RESOURCE_ATTRIBUTES} sets it. */
    public Builder deploymentEnvironment(String environment) {
      this.deploymentEnvironment = requireNonEmpty(environment, "environment");
      return this;
    }

    /**
     * Sets a resource attribute that wins over the environment, for processes that host several
     * services (each must keep its own {@code service.name} whatever {@code OTEL_SERVICE_NAME}
     * says).
     */
    public Builder overrideResource(String key, String value) {
      overrides.put(requireNonEmpty(key, "key"), requireNonNull(value, "value"));
      return this;
    }

    /**
     * Sets a configuration property default ({@code otel.*} name); environment variables and system
     * properties still win.
     */
    public Builder property(String key, String value) {
      properties.put(requireNonEmpty(key, "key"), requireNonNull(value, "value"));
      return this;
    }

    /**
     * Exports the three signals to standard output (as the getting-started guide does) unless an
     * OTLP endpoint ({@code OTEL_EXPORTER_OTLP_ENDPOINT} or a per-signal one) is configured, in
     * which case OTLP is used. An explicit {@code OTEL_*_EXPORTER} always wins. The exporters are
     * the kit's {@code sightline_stdout} ones, batched like OTLP: the SDK's {@code console}
     * exporters log through {@code java.util.logging}, whose own shutdown hook silences them, so
     * the final flush on Ctrl+C would not show.
     */
    public Builder consoleExportersUnlessOtlpEndpointSet() {
      this.consoleUnlessOtlp = true;
      return this;
    }

    /** Replaces the redactor applied to exported spans and log records; {@code null} disables. */
    public Builder redaction(@Nullable PiiRedactor redactor) {
      this.redactor = redactor;
      return this;
    }

    /** Exports only these log attributes (plus {@code exception.*}): the allow-list mode. */
    public Builder logAttributeAllowList(Set<String> keys) {
      this.logAttributeAllowList = Set.copyOf(requireNonNull(keys, "keys"));
      return this;
    }

    /** Replaces the guard on propagated baggage; {@code null} propagates baggage unchecked. */
    public Builder baggageGuard(@Nullable BaggageGuard guard) {
      this.baggageGuard = guard;
      return this;
    }

    /**
     * Baggage keys copied onto spans (same key) and log records ({@code tenant.id} becomes {@code
     * tenant_id}); {@code tenant.id} by default.
     */
    public Builder copyBaggageToTelemetry(List<String> keys) {
      this.baggageKeysToCopy = List.copyOf(requireNonNull(keys, "keys"));
      return this;
    }

    /** Replaces the metric cardinality guard; {@code null} disables it. */
    public Builder cardinalityGuard(@Nullable MetricCardinalityGuard guard) {
      this.cardinalityGuard = guard;
      return this;
    }

    /** Samples log records with {@code sampler}; none by default. */
    public Builder logSampler(@Nullable LogSampler sampler) {
      this.logSampler = sampler;
      return this;
    }

    /** Whether to register the JVM shutdown hook that flushes telemetry (default true). */
    public Builder registerShutdownHook(boolean register) {
      this.shutdownHook = register;
      return this;
    }

    /** How long closing may wait for the final export (default 10 s). */
    public Builder shutdownTimeout(Duration timeout) {
      requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("shutdownTimeout must be positive: " + timeout);
      }
      this.shutdownTimeout = timeout;
      return this;
    }

    /** Registers the SDK as {@code GlobalOpenTelemetry} (only for one-service processes). */
    public Builder registerGlobal() {
      this.global = true;
      return this;
    }

    /**
     * Connects the {@code OpenTelemetryAppender}s declared in {@code logback.xml} to this SDK (see
     * {@link LogbackCorrelation}).
     */
    public Builder installLogbackAppender() {
      this.installLogback = true;
      return this;
    }

    /** Escape hatch: adjusts the autoconfigure builder (exporters, samplers, providers...). */
    public Builder customize(Consumer<AutoConfiguredOpenTelemetrySdkBuilder> customizer) {
      customizers.add(requireNonNull(customizer, "customizer"));
      return this;
    }

    public SightlineTelemetry build() {
      Map<String, String> defaults = new LinkedHashMap<>(DEFAULT_PROPERTIES);
      defaults.putAll(properties);
      Attributes resourceOverrides = overrides.build();
      PiiRedactor redactor = this.redactor;
      Set<String> allowList = this.logAttributeAllowList;
      BaggageGuard guard = this.baggageGuard;
      LogSampler sampler = this.logSampler;
      MetricCardinalityGuard cardinality = this.cardinalityGuard;
      Map<String, String> spanCopies = new LinkedHashMap<>();
      Map<String, String> logCopies = new LinkedHashMap<>();
      for (String key : baggageKeysToCopy) {
        spanCopies.put(key, key);
        logCopies.put(key, BaggageLogRecordProcessor.logFieldName(key));
      }

      AtomicReference<Resource> finalResource = new AtomicReference<>(Resource.getDefault());
      AutoConfiguredOpenTelemetrySdkBuilder auto =
          AutoConfiguredOpenTelemetrySdk.builder()
              .disableShutdownHook()
              .addPropertiesSupplier(() -> defaults)
              .addResourceCustomizer(
                  (resource, config) -> {
                    Resource customized = customizeResource(resource, resourceOverrides);
                    finalResource.set(customized);
                    return customized;
                  });
      if (consoleUnlessOtlp) {
        auto.addPropertiesCustomizer(Builder::consoleUnlessOtlpEndpoint);
      }
      if (guard != null) {
        auto.addPropagatorCustomizer((propagator, config) -> guard.propagator(propagator));
      }
      if (redactor != null) {
        auto.addSpanProcessorCustomizer(
            (processor, config) -> RedactingSpanProcessor.wrap(processor, redactor));
      }
      auto.addTracerProviderCustomizer(
          (tracerProvider, config) -> {
            if (!spanCopies.isEmpty()) {
              tracerProvider.addSpanProcessor(BaggageSpanProcessor.create(spanCopies));
            }
            if (sampler != null) {
              tracerProvider.addSpanProcessor(sampler);
            }
            return tracerProvider;
          });
      auto.addLogRecordProcessorCustomizer(
          (processor, config) -> {
            LogRecordProcessor exporting = processor;
            if (redactor != null) {
              RedactingLogRecordProcessor.Builder redacting =
                  RedactingLogRecordProcessor.builder(redactor);
              if (allowList != null) {
                Set<String> allowed = new java.util.HashSet<>(allowList);
                allowed.addAll(logCopies.values());
                redacting.allowAttributes(allowed);
              }
              exporting = redacting.wrap(exporting);
            }
            if (sampler != null) {
              exporting = sampler.wrap(exporting);
            }
            return logCopies.isEmpty()
                ? exporting
                : LogRecordProcessor.composite(
                    BaggageLogRecordProcessor.create(logCopies), exporting);
          });
      if (cardinality != null) {
        auto.addMeterProviderCustomizer(
            (meterProvider, config) -> cardinality.apply(meterProvider));
      }
      for (Consumer<AutoConfiguredOpenTelemetrySdkBuilder> customizer : customizers) {
        customizer.accept(auto);
      }
      if (global) {
        auto.setResultAsGlobal();
      }
      AutoConfiguredOpenTelemetrySdk result = auto.build();
      OpenTelemetrySdk sdk = result.getOpenTelemetrySdk();
      Resource resource = finalResource.get();
      if (installLogback) {
        LogbackCorrelation.installDeclaredAppenders(sdk, resource);
      }
      return new SightlineTelemetry(sdk, resource, shutdownTimeout, shutdownHook, sampler);
    }

    private Resource customizeResource(Resource resource, Attributes resourceOverrides) {
      AttributesBuilder fill = Attributes.builder();
      String name = resource.getAttribute(SERVICE_NAME);
      if (serviceName != null && (name == null || name.startsWith("unknown_service"))) {
        fill.put(SERVICE_NAME, serviceName);
      }
      if (serviceVersion != null && resource.getAttribute(SERVICE_VERSION) == null) {
        fill.put(SERVICE_VERSION, serviceVersion);
      }
      String environment = resource.getAttribute(DEPLOYMENT_ENVIRONMENT_NAME);
      if (environment == null) {
        environment = resource.getAttribute(DEPLOYMENT_ENVIRONMENT);
      }
      if (environment == null) {
        environment = deploymentEnvironment;
      }
      if (environment != null) {
        fill.put(DEPLOYMENT_ENVIRONMENT_NAME, environment);
      }
      return resource
          .merge(Resource.create(fill.build()))
          .merge(Resource.create(resourceOverrides));
    }

    /** Console exporters for signals without an explicit exporter when no OTLP endpoint is set. */
    private static Map<String, String> consoleUnlessOtlpEndpoint(ConfigProperties config) {
      Map<String, String> result = new LinkedHashMap<>();
      boolean globalEndpoint = config.getString("otel.exporter.otlp.endpoint") != null;
      for (String signal : SIGNALS) {
        boolean endpoint =
            globalEndpoint
                || config.getString("otel.exporter.otlp." + signal + ".endpoint") != null;
        if (!endpoint && config.getString("otel." + signal + ".exporter") == null) {
          result.put("otel." + signal + ".exporter", StdoutExporterProviders.NAME);
        }
      }
      return result;
    }

    private static String requireNonEmpty(String value, String name) {
      requireNonNull(value, name);
      if (value.isEmpty()) {
        throw new IllegalArgumentException(name + " must not be empty");
      }
      return value;
    }
  }
}
