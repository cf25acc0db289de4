package dev.sightline.example.shop.platform;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.trace.SpanKind;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * A database-like store in memory: each call is a {@code CLIENT} span named after the operation
 * ({@code Inventory.StockRepository.QueryStock}) with the database semantic conventions ({@code
 * db.system.name}, {@code db.namespace}, {@code db.collection.name}, {@code db.operation.name},
 * {@code db.query.text}, {@code server.address}), a small service time, the faults aimed at it, and
 * the {@code db.client.operation.duration} histogram.
 */
public final class SimulatedDatabase {
  static final AttributeKey<String> DB_SYSTEM_NAME = AttributeKey.stringKey("db.system.name");
  static final AttributeKey<String> DB_NAMESPACE = AttributeKey.stringKey("db.namespace");
  static final AttributeKey<String> DB_COLLECTION = AttributeKey.stringKey("db.collection.name");
  static final AttributeKey<String> DB_OPERATION = AttributeKey.stringKey("db.operation.name");
  static final AttributeKey<String> DB_QUERY = AttributeKey.stringKey("db.query.text");
  static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
  static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

  /**
   * "Some other SQL database": the semantic-convention value for a store that is none of theirs.
   */
  static final String SYSTEM = "other_sql";

  private final ServiceRuntime runtime;
  private final String namespace;
  private final Duration serviceTime;
  private final DoubleHistogram duration;

  public SimulatedDatabase(ServiceRuntime runtime, String namespace, Duration serviceTime) {
    this.runtime = runtime;
    this.namespace = namespace;
    this.serviceTime = serviceTime;
    this.duration =
        runtime
            .openTelemetry()
            .getMeter(ServiceRuntime.loggerName(runtime.service()))
            .histogramBuilder("db.client.operation.duration")
            .setUnit("s")
            .setDescription("Duration of database client operations")
            .setExplicitBucketBoundariesAdvice(
                List.of(0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0))
            .build();
  }

  /**
   * Runs {@code body} as database operation {@code operation} (the span name) of kind {@code
   * dbOperation} ({@code SELECT}, {@code INSERT}...) on {@code collection}, with query text {@code
   * query}.
   */
  public <T> T execute(
      String operation, String dbOperation, String collection, String query, Supplier<T> body) {
    long start = System.nanoTime();
    String errorType = null;
    try {
      return runtime
          .traced()
          .span(operation)
          .kind(SpanKind.CLIENT)
          .attribute(DB_SYSTEM_NAME, SYSTEM)
          .attribute(DB_NAMESPACE, namespace)
          .attribute(DB_COLLECTION, collection)
          .attribute(DB_OPERATION, dbOperation)
          .attribute(DB_QUERY, query)
          .attribute(SERVER_ADDRESS, namespace + "-db")
          .call(
              span -> {
                dev.sightline.example.shop.faults.Faults.sleep(serviceTime);
                runtime.faults().inject(operation);
                return body.get();
              });
    } catch (RuntimeException e) {
      errorType = e.getClass().getName();
      throw e;
    } finally {
      AttributesBuilder attributes =
          Attributes.builder()
              .put(DB_SYSTEM_NAME, SYSTEM)
              .put(DB_NAMESPACE, namespace)
              .put(DB_COLLECTION, collection)
              .put(DB_OPERATION, dbOperation);
      if (errorType != null) {
        attributes.put(ERROR_TYPE, errorType);
      }
      duration.record((System.nanoTime() - start) / 1e9, attributes.build());
    }
  }
}
