package dev.sightline.example.shop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sightline.example.shop.faults.Fault;
import dev.sightline.example.shop.faults.FaultSpec;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The admin endpoint, the command line and the load generator. */
class ShopControlTest {
  private static ShopHarness harness;
  private static AdminServer admin;

  @BeforeAll
  static void start() throws Exception {
    harness = new ShopHarness(Duration.ofSeconds(5));
    admin =
        AdminServer.start(
            harness.shop, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), () -> "-");
  }

  @AfterAll
  static void stop() {
    admin.close();
    harness.close();
  }

  @BeforeEach
  void reset() throws Exception {
    harness.reset();
  }

  private static URI admin(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + admin.port() + pathAndQuery);
  }

  @Test
  void faultsSwitchAtRunTimeThroughTheAdminEndpoint() throws Exception {
    HttpResponse<String> enabled =
        harness.admin(
            "POST", admin("/faults/latency?delay=1s&operation=Order.OrderRepository.Insert"));
    assertThat(enabled.statusCode()).isEqualTo(200);
    assertThat(enabled.body())
        .isEqualTo("enabled latency operation=Order.OrderRepository.Insert delay=1000ms\n");
    assertThat(harness.admin("GET", admin("/faults")).body()).contains("latency operation=");
    assertThat(harness.shop.faults()).hasSize(1);

    assertThat(harness.admin("POST", admin("/faults/errors?rate=2")).statusCode()).isEqualTo(400);
    assertThat(harness.admin("POST", admin("/faults/meteor")).statusCode()).isEqualTo(404);
    assertThat(harness.admin("POST", admin("/faults/latency?speed=1")).statusCode()).isEqualTo(400);

    assertThat(harness.admin("DELETE", admin("/faults/latency")).statusCode()).isEqualTo(200);
    assertThat(harness.admin("DELETE", admin("/faults/latency")).statusCode()).isEqualTo(404);
    assertThat(harness.admin("GET", admin("/faults")).body()).isEqualTo("no active faults\n");
    assertThat(harness.admin("GET", admin("/health")).body()).isEqualTo("ok\n");
  }

  @Test
  void aBadReleaseThroughTheAdminEndpointDeploysTheNextMinorVersion() throws Exception {
    HttpResponse<String> released =
        harness.admin("POST", admin("/faults/bad-release?service=payment&rate=0&delay=0"));
    assertThat(released.body()).contains("version=3.1.0");
    assertThat(harness.shop.version("payment")).isEqualTo("3.1.0");
    assertThat(harness.checkout("acme").statusCode()).isEqualTo(201);

    assertThat(harness.admin("DELETE", admin("/faults")).statusCode()).isEqualTo(200);
    assertThat(harness.shop.version("payment")).isEqualTo("3.0.4");
  }

  @Test
  void commandLineFaultsAndOptionsAreParsedAndValidated() {
    ShopApplication.Options options =
        ShopApplication.parse(
            new String[] {
              "--base-port",
              "9000",
              "--rate=12.5",
              "--tenants",
              "a, b",
              "--no-load",
              "--fault",
              "latency:delay=800ms",
              "--fault",
              "tenant-failure:tenant=b",
              "--duration",
              "2m",
              "--console"
            });
    assertThat(options.basePort()).isEqualTo(9000);
    assertThat(options.rate()).isEqualTo(12.5);
    assertThat(options.tenants()).containsExactly("a", "b");
    assertThat(options.load()).isFalse();
    assertThat(options.console()).isTrue();
    assertThat(options.duration()).isEqualTo(Duration.ofMinutes(2));
    assertThat(options.faults())
        .extracting(FaultSpec::name)
        .containsExactly("latency", "tenant-failure");
    assertThat(ShopApplication.parse(new String[] {"--help"})).isNull();
    assertThatThrownBy(() -> ShopApplication.parse(new String[] {"--fault", "tenant-failure"}))
        .hasMessageContaining("tenant=");
    assertThatThrownBy(() -> ShopApplication.parse(new String[] {"--rate", "0"}))
        .hasMessageContaining("--rate");
    assertThatThrownBy(() -> ShopApplication.parse(new String[] {"--bogus", "1"}))
        .hasMessageContaining("unknown option");

    assertThat(Fault.from(FaultSpec.parse("latency")))
        .isEqualTo(new Fault.Latency(Fault.STOCK_QUERY, Duration.ofMillis(800)));
    assertThat(FaultSpec.parse("errors:operation=X,rate=0.5").params())
        .isEqualTo(Map.of("operation", "X", "rate", "0.5"));
    assertThat(Shop.nextMinor("1.8.2")).isEqualTo("1.9.0");
  }

  @Test
  void loadGeneratorSendsASteadyRateSpreadOverTenants() throws Exception {
    try (LoadGenerator load =
        LoadGenerator.start(
            harness.shop.frontend(), 20, java.util.List.of("acme", "globex", "initech"), 7)) {
      Thread.sleep(1_000);
      load.close();
      assertThat(load.sent()).isBetween(15L, 25L);
      assertThat(load.placed()).isPositive();
      assertThat(load.placed() + load.rejected() + load.failed()).isEqualTo(load.sent());
      assertThat(load.stats()).startsWith("sent=" + load.sent());
    }
    harness.settle();
    Set<String> tenants =
        harness.spans("frontend").stream()
            .filter(s -> s.getKind() == SpanKind.SERVER)
            .map(s -> s.getAttributes().get(AttributeKey.stringKey("tenant.id")))
            .collect(Collectors.toSet());
    assertThat(tenants).hasSizeGreaterThanOrEqualTo(2).isSubsetOf("acme", "globex", "initech");
  }
}
