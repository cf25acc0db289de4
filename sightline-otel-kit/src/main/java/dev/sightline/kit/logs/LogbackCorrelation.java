package dev.sightline.kit.logs;

import static java.util.Objects.requireNonNull;

import ch.qos.logback.classic.LoggerContext;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.instrumentation.logback.appender.v1_0.OpenTelemetryAppender;
import io.opentelemetry.sdk.resources.Resource;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * Connects Logback to an OpenTelemetry SDK through the OpenTelemetry Logback appender, so that log
 * records carry the trace and span IDs of the span current when they were logged, and registers the
 * service identity the {@link UnifiedJsonEncoder} writes.
 *
 * <p>Two ways, depending on how many SDKs the JVM runs:
 *
 * <ul>
 *   <li>one service: declare {@code OpenTelemetryAppender} in {@code logback.xml} and call {@link
 *       #installDeclaredAppenders(OpenTelemetry, Resource)} (done by {@code SightlineTelemetry}
 *       when asked);
 *   <li>several services in one JVM, each with its own SDK: {@link #attach(OpenTelemetry, Resource,
 *       String)} an appender to each service's logger.
 * </ul>
 *
 * <p>The console side of correlation is the OpenTelemetry Logback MDC appender ({@code
 * io.opentelemetry.instrumentation.logback.mdc.v1_0.OpenTelemetryAppender}) wrapping a console
 * appender whose encoder is {@link UnifiedJsonEncoder}; see the module README.
 */
public final class LogbackCorrelation {
  private LogbackCorrelation() {}

  /**
   * Points every {@code OpenTelemetryAppender} declared in the Logback configuration at {@code
   * openTelemetry} and registers {@code resource}'s identity for all loggers.
   */
  public static void installDeclaredAppenders(OpenTelemetry openTelemetry, Resource resource) {
    OpenTelemetryAppender.install(requireNonNull(openTelemetry, "openTelemetry"));
    ServiceIdentity.register("", ServiceIdentity.of(requireNonNull(resource, "resource")));
  }

  /**
   * Attaches a new OpenTelemetry appender to logger {@code loggerName} (and so to its descendants),
   * exporting to {@code openTelemetry}, and registers {@code resource}'s identity for those
   * loggers. The appender captures SLF4J key-value pairs and MDC entries as attributes. Closing the
   * returned handle detaches it.
   */
  public static AutoCloseable attach(
      OpenTelemetry openTelemetry, Resource resource, String loggerName) {
    requireNonNull(openTelemetry, "openTelemetry");
    requireNonNull(resource, "resource");
    requireNonNull(loggerName, "loggerName");
    LoggerContext context = loggerContext();
    OpenTelemetryAppender appender = new OpenTelemetryAppender();
    appender.setName("otel-" + loggerName);
    appender.setContext(context);
    appender.setKeyValuePairAttributesIncluded("*");
    appender.setMdcAttributesIncluded("*");
    appender.setOpenTelemetry(openTelemetry);
    appender.start();
    ch.qos.logback.classic.Logger logger = context.getLogger(loggerName);
    logger.addAppender(appender);
    ServiceIdentity identity = ServiceIdentity.of(resource);
    ServiceIdentity.register(loggerName, identity);
    return () -> {
      logger.detachAppender(appender);
      appender.stop();
      ServiceIdentity.unregister(loggerName, identity);
    };
  }

  private static LoggerContext loggerContext() {
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (!(factory instanceof LoggerContext)) {
      throw new IllegalStateException(
          "SLF4J is not bound to Logback (found " + factory.getClass().getName() + ")");
    }
    return (LoggerContext) factory;
  }
}
