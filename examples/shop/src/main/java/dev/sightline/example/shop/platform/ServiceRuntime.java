package dev.sightline.example.shop.platform;

import dev.sightline.example.shop.faults.Faults;
import dev.sightline.kit.SightlineTelemetry;
import dev.sightline.kit.logs.LogbackCorrelation;
import dev.sightline.kit.trace.SpanBody;
import dev.sightline.kit.trace.Traced;
import io.opentelemetry.api.OpenTelemetry;
import java.util.logging.Level;

/**
 * One deployment of one service: its own SDK instance and resource ({@code service.name}, {@code
 * service.version}), its Logback appender (the service's loggers export to its SDK only), the typed
 * span helpers, the shared fault registry and the deployment's defects.
 */
public final class ServiceRuntime implements AutoCloseable {
  private static final java.util.logging.Logger logger =
      java.util.logging.Logger.getLogger(ServiceRuntime.class.getName());

  private final String service;
  private final Deployment deployment;
  private final SightlineTelemetry telemetry;
  private final Traced traced;
  private final Faults faults;
  private final AutoCloseable logAppender;

  public ServiceRuntime(
      String service, Deployment deployment, SightlineTelemetry telemetry, Faults faults) {
    this.service = service;
    this.deployment = deployment;
    this.telemetry = telemetry;
    this.faults = faults;
    this.traced = telemetry.traced(loggerName(service));
    this.logAppender =
        LogbackCorrelation.attach(
            telemetry.openTelemetry(), telemetry.resource(), loggerName(service));
  }

  /** The logger-name root of {@code service}: every logger below it exports to its SDK. */
  public static String loggerName(String service) {
    return "dev.sightline.example.shop." + service;
  }

  public String service() {
    return service;
  }

  public Deployment deployment() {
    return deployment;
  }

  public OpenTelemetry openTelemetry() {
    return telemetry.openTelemetry();
  }

  public SightlineTelemetry telemetry() {
    return telemetry;
  }

  public Traced traced() {
    return traced;
  }

  public Faults faults() {
    return faults;
  }

  /**
   * Runs a business operation in a span named {@code operation} ({@code Domain.Service.Action}),
   * subject to the faults aimed at it.
   */
  public <T, E extends Exception> T call(String operation, SpanBody<T, E> body) throws E {
    return traced.call(
        operation,
        span -> {
          faults.inject(operation);
          return body.apply(span);
        });
  }

  /** Detaches the log appender and flushes and shuts down this deployment's SDK. */
  @Override
  public void close() {
    try {
      logAppender.close();
    } catch (Exception e) {
      logger.log(Level.WARNING, "detaching the log appender of " + service + " failed", e);
    }
    telemetry.close();
  }
}
