package dev.sightline.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path dir;

  @Test
  void defaults() {
    ServerConfig c = ConfigLoader.load(Map.of(), Map.of());
    assertThat(c.dataDir()).isEqualTo(Path.of("./data"));
    // authentication off: loopback only
    assertThat(c.otlpGrpc()).isEqualTo(new ListenAddress("127.0.0.1", 4317));
    assertThat(c.otlpHttp()).isEqualTo(new ListenAddress("127.0.0.1", 4318));
    assertThat(c.http()).isEqualTo(new ListenAddress("127.0.0.1", 8420));
    assertThat(c.retention()).isEqualTo(Duration.ofDays(7));
    assertThat(c.maxRequestBytes()).isEqualTo(16L << 20);
    assertThat(c.benchDiscardEndpoint()).isFalse();
    assertThat(c.security()).isEqualTo(SecurityConfig.NONE);
    ConfigLoader.checkExposure(c);
  }

  @Test
  void theDefaultWriteQueueFitsInAQuarterOfTheHeap() {
    // the overload run filled a 200,000-item queue on a 1 GB heap up to the heap's maximum
    assertThat(ServerConfig.defaultWriteQueueItems(8L << 30)).isEqualTo(200_000);
    assertThat(ServerConfig.defaultWriteQueueItems(1L << 30)).isEqualTo(104_857);
    assertThat(ServerConfig.defaultWriteQueueItems(384L << 20)).isEqualTo(39_321);
    assertThat(ServerConfig.defaultWriteQueueItems(16L << 20)).isEqualTo(10_000);
    assertThat(ConfigLoader.load(Map.of(), Map.of()).writeQueueItems())
        .isEqualTo(ServerConfig.defaultWriteQueueItems(Runtime.getRuntime().maxMemory()));
    // given explicitly, it is taken as it is
    assertThat(ConfigLoader.load(Map.of("write-queue-items", "500000"), Map.of()).writeQueueItems())
        .isEqualTo(500_000);
  }

  @Test
  void withAnAuthFileTheDefaultListenersServeEveryInterface() {
    ServerConfig c =
        ConfigLoader.load(
            Map.of("http", "127.0.0.1:9000"), Map.of("SIGHTLINE_AUTH_FILE", "/etc/tokens.json"));
    assertThat(c.security().authFile()).isEqualTo(Path.of("/etc/tokens.json"));
    assertThat(c.otlpGrpc()).isEqualTo(new ListenAddress("0.0.0.0", 4317));
    assertThat(c.otlpHttp()).isEqualTo(new ListenAddress("0.0.0.0", 4318));
    // an explicit address stays as given
    assertThat(c.http()).isEqualTo(new ListenAddress("127.0.0.1", 9000));
    ConfigLoader.checkExposure(c);
  }

  @Test
  void aNonLoopbackListenerWithoutAuthenticationNeedsInsecureNoAuth() {
    ServerConfig c = ConfigLoader.load(Map.of("otlp-http", "0.0.0.0:4318"), Map.of());
    assertThatThrownBy(() -> ConfigLoader.checkExposure(c))
        .hasMessage(
            "--otlp-http 0.0.0.0:4318 is not a loopback address and authentication is off: give"
                + " --auth-file FILE, or --insecure-no-auth to serve everyone who can reach it");
    ConfigLoader.checkExposure(
        ConfigLoader.load(
            Map.of("otlp-http", "0.0.0.0:4318", "insecure-no-auth", "true"), Map.of()));
    ConfigLoader.checkExposure(
        ConfigLoader.load(Map.of("http", "localhost:1", "otlp-grpc", "[::1]:2"), Map.of()));
  }

  @Test
  void tenantHeaderIsOffByDefaultAndRefusedWithAnAuthFile() {
    assertThat(ConfigLoader.load(Map.of(), Map.of()).security().tenantFromHeader()).isFalse();
    ServerConfig c =
        ConfigLoader.load(Map.of(), Map.of("SIGHTLINE_TENANT_HEADER", "X-Scope-OrgID"));
    assertThat(c.security().tenantHeader()).isEqualTo("X-Scope-OrgID");
    assertThat(c.security().authEnabled()).isFalse();
    assertThat(c.otlpHttp()).isEqualTo(new ListenAddress("127.0.0.1", 4318));
    ConfigLoader.checkExposure(c);
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    Map.of("tenant-header", "X-Scope-OrgID", "auth-file", "/t.json"), Map.of()))
        .hasMessage(
            "--tenant-header cannot be used with --auth-file: tokens carry the tenant, and a"
                + " header would let a caller pick another tenant");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("tenant-header", "X Scope"), Map.of()))
        .hasMessageContaining("must be an HTTP header name");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("tenant-header", "Authorization"), Map.of()))
        .hasMessageContaining("pick a header of its own");
  }

  @Test
  void aTenantHeaderBeyondLoopbackStillNeedsInsecureNoAuth() {
    ServerConfig c =
        ConfigLoader.load(
            Map.of("tenant-header", "X-Scope-OrgID", "http", "0.0.0.0:8420"), Map.of());
    assertThatThrownBy(() -> ConfigLoader.checkExposure(c))
        .hasMessage(
            "--http 0.0.0.0:8420 is not a loopback address and Sightline does not authenticate"
                + " (--tenant-header trusts whoever sends the header): give --insecure-no-auth"
                + " once only the gateway can reach it");
    ConfigLoader.checkExposure(
        ConfigLoader.load(
            Map.of(
                "tenant-header",
                "X-Scope-OrgID",
                "http",
                "0.0.0.0:8420",
                "insecure-no-auth",
                "true"),
            Map.of()));
  }

  @Test
  void tlsNeedsCertificateAndKey() {
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("tls-cert", "/c.pem"), Map.of()))
        .hasMessageContaining("tls-cert and tls-key must be given together");
    ServerConfig c = ConfigLoader.load(Map.of("tls-cert", "/c.pem", "tls-key", "/k.pem"), Map.of());
    assertThat(c.security().tlsEnabled()).isTrue();
  }

  @Test
  void flagsBeatEnvironmentWhichBeatsTheFile() throws Exception {
    Path file = dir.resolve("sightline.yaml");
    Files.writeString(file, "data-dir: /from/file\nretention: 3d\nhttp: 127.0.0.1:9000\n");
    ServerConfig c =
        ConfigLoader.load(
            Map.of("config", file.toString(), "data-dir", "/from/flag"),
            Map.of("SIGHTLINE_DATA_DIR", "/from/env", "SIGHTLINE_RETENTION", "12h"));
    assertThat(c.dataDir()).isEqualTo(Path.of("/from/flag"));
    assertThat(c.retention()).isEqualTo(Duration.ofHours(12));
    assertThat(c.http()).isEqualTo(new ListenAddress("127.0.0.1", 9000));
  }

  @Test
  void configFileFromEnvironment() throws Exception {
    Path file = dir.resolve("c.yaml");
    Files.writeString(file, "max-request-bytes: 4MiB\nbench-discard-endpoint: true\n");
    ServerConfig c = ConfigLoader.load(Map.of(), Map.of("SIGHTLINE_CONFIG", file.toString()));
    assertThat(c.maxRequestBytes()).isEqualTo(4L << 20);
    assertThat(c.benchDiscardEndpoint()).isTrue();
  }

  @Test
  void errorsNameTheOptionAndItsSource() throws Exception {
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("otlp-http", "nowhere"), Map.of()))
        .hasMessageContaining("otlp-http")
        .hasMessageContaining("--otlp-http");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of(), Map.of("SIGHTLINE_RETENTION", "forever")))
        .hasMessageContaining("retention")
        .hasMessageContaining("$SIGHTLINE_RETENTION");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("colour", "blue"), Map.of()))
        .hasMessageContaining("unknown flag --colour");
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "data-dir: [unclosed\n");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("config", bad.toString()), Map.of()))
        .hasMessageContaining("not valid YAML");
    Path unknown = dir.resolve("unknown.yaml");
    Files.writeString(unknown, "datadir: x\n");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("config", unknown.toString()), Map.of()))
        .hasMessageContaining("unknown option(s) [datadir]");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("config", "/no/such/file.yaml"), Map.of()))
        .hasMessageContaining("does not exist");
  }

  @Test
  void durationsAndSizes() {
    assertThat(ConfigLoader.parseDuration("7d")).isEqualTo(Duration.ofDays(7));
    assertThat(ConfigLoader.parseDuration("30m")).isEqualTo(Duration.ofMinutes(30));
    assertThat(ConfigLoader.parseDuration("45s")).isEqualTo(Duration.ofSeconds(45));
    assertThat(ConfigLoader.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(ConfigLoader.parseDuration("PT2H")).isEqualTo(Duration.ofHours(2));
    assertThat(ConfigLoader.parseDuration("0")).isZero();
    assertThat(ConfigLoader.parseBytes("512KiB")).isEqualTo(512 * 1024);
    assertThat(ConfigLoader.parseBytes("2MB")).isEqualTo(2_000_000);
    assertThat(ConfigLoader.parseBytes("1000")).isEqualTo(1000);
  }

  @Test
  void listenAddresses() {
    assertThat(ListenAddress.parse(":4317")).isEqualTo(new ListenAddress("0.0.0.0", 4317));
    assertThat(ListenAddress.parse("[::1]:80")).isEqualTo(new ListenAddress("::1", 80));
    assertThatThrownBy(() -> ListenAddress.parse("host:99999"))
        .hasMessageContaining("out of range");
  }
}
