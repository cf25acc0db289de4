package dev.sightline.example.shop;

import dev.sightline.example.shop.platform.ServiceRuntime;
import dev.sightline.kit.SightlineTelemetry;
import dev.sightline.kit.logs.LogSampler;

/**
 * Creates the SDK of one deployment of one service. Each service gets its own instance and
 * resource: {@code service.name} and {@code service.version} are forced (whatever {@code
 * OTEL_SERVICE_NAME} says, as five services share the JVM), {@code service.namespace=shop}, and the
 * rest comes from the standard {@code OTEL_*} variables.
 */
@FunctionalInterface
public interface ShopTelemetry {
  /** The SDK for {@code service} at {@code version}. */
  SightlineTelemetry create(String service, String version);

  /** The configuration every shop SDK shares; exporters are left to the caller. */
  static SightlineTelemetry.Builder builder(String service, String version) {
    return SightlineTelemetry.builder()
        .overrideResource("service.name", service)
        .overrideResource("service.version", version)
        .overrideResource("service.namespace", "shop")
        .deploymentEnvironment("demo")
        .registerShutdownHook(false) // the shop closes every SDK in order
        .logSampler(
            LogSampler.builder()
                // the stock query logs every lookup: keep 1 in 10 traces, all of failing ones
                .hotLogger(ServiceRuntime.loggerName("inventory") + ".StockRepository", 0.1)
                .build());
  }
}
