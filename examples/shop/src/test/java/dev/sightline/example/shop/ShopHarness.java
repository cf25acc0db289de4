package dev.sightline.example.shop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sightline.example.shop.faults.FaultSpec;
import dev.sightline.example.shop.services.FrontendService;
import dev.sightline.kit.testing.InMemoryTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A shop on ephemeral loopback ports whose every SDK (one per service and deployed version) exports
 * to in-memory exporters, with short timeouts so that faults show within a second.
 */
final class ShopHarness implements AutoCloseable {
  static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");
  static final AttributeKey<String> SERVICE_VERSION = AttributeKey.stringKey("service.version");

  /** One SDK: the service and version it was created for, and its exporters. */
  record Sdk(String service, String version, InMemoryTelemetry telemetry) {}

  final List<Sdk> sdks = new CopyOnWriteArrayList<>();
  final Shop shop;
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /**
   * A shop whose order service gives inventory and payment {@code timeout} per attempt. Healthy
   * paths use a generous one (the machine may be loaded); fault tests a short one, set well below
   * the latency they inject.
   */
  ShopHarness(Duration timeout) throws Exception {
    this(config(timeout).build());
  }

  static ShopConfig.Builder config(Duration timeout) {
    return ShopConfig.builder()
        .basePort(0)
        .inventoryTimeout(timeout)
        .paymentTimeout(timeout)
        .retries(2)
        .backoff(Duration.ofMillis(10))
        .backlogWarning(2)
        .databaseTime(Duration.ofMillis(1));
  }

  ShopHarness(ShopConfig config) throws Exception {
    shop =
        Shop.start(
            config,
            (service, version) -> {
              InMemoryTelemetry t =
                  InMemoryTelemetry.create(ShopTelemetry.builder(service, version));
              sdks.add(new Sdk(service, version, t));
              return t.telemetry();
            });
  }

  HttpResponse<String> checkout(String tenant, String item, String card) throws Exception {
    return client.send(
        HttpRequest.newBuilder(shop.frontend().resolve("/checkout"))
            .timeout(Duration.ofSeconds(20))
            .header(FrontendService.TENANT_HEADER, tenant)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "item=" + item + "&quantity=1&card=" + card + "&email=alice%40example.com"))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> checkout(String tenant) throws Exception {
    return checkout(tenant, "sku-3", "4111111111111111");
  }

  /** {@code n} checkouts sent at once; their statuses. */
  List<Integer> checkoutsAtOnce(int n, String tenant) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      List<Future<HttpResponse<String>>> responses = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        responses.add(pool.submit(() -> checkout(tenant)));
      }
      List<Integer> statuses = new ArrayList<>();
      for (Future<HttpResponse<String>> response : responses) {
        statuses.add(response.get(30, TimeUnit.SECONDS).statusCode());
      }
      return statuses;
    } finally {
      pool.shutdownNow();
    }
  }

  HttpResponse<String> admin(String method, URI uri) throws Exception {
    return client.send(
        HttpRequest.newBuilder(uri).method(method, HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  void enable(String spec) {
    shop.enable(FaultSpec.parse(spec));
  }

  /** Waits for the shop to be idle, then exports everything every SDK holds. */
  void settle() throws Exception {
    shop.awaitIdle(Duration.ofSeconds(20));
    for (Sdk sdk : sdks) {
      sdk.telemetry().flush();
    }
  }

  /** Forgets what was exported so far. */
  void reset() throws Exception {
    shop.clearFaults();
    settle();
    for (Sdk sdk : sdks) {
      sdk.telemetry().reset();
    }
  }

  List<SpanData> spans(String service) {
    return sdks.stream()
        .filter(s -> s.service().equals(service))
        .flatMap(s -> s.telemetry().finishedSpans().stream())
        .collect(Collectors.toList());
  }

  List<SpanData> spans(String service, String name) {
    return spans(service).stream()
        .filter(s -> s.getName().equals(name))
        .collect(Collectors.toList());
  }

  SpanData span(String service, String name) {
    List<SpanData> spans = spans(service, name);
    assertThat(spans).as("spans %s in %s", name, service).hasSize(1);
    return spans.get(0);
  }

  List<SpanData> allSpans() {
    return sdks.stream()
        .flatMap(s -> s.telemetry().finishedSpans().stream())
        .collect(Collectors.toList());
  }

  List<LogRecordData> logs(String service) {
    return sdks.stream()
        .filter(s -> s.service().equals(service))
        .flatMap(s -> s.telemetry().finishedLogs().stream())
        .collect(Collectors.toList());
  }

  List<LogRecordData> logsContaining(String service, String text) {
    return logs(service).stream()
        .filter(l -> l.getBodyValue() != null && l.getBodyValue().asString().contains(text))
        .collect(Collectors.toList());
  }

  Stream<MetricData> metrics(String service, String name) {
    return sdks.stream()
        .filter(s -> s.service().equals(service))
        .map(s -> s.telemetry().metric(name))
        .flatMap(java.util.Optional::stream);
  }

  @Override
  public void close() {
    shop.close();
  }
}
