package dev.sightline.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sightline.server.auth.Role;
import dev.sightline.server.auth.TokenFile;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --tls-cert}/{@code --tls-key}: all three listeners serve TLS; the real OpenTelemetry SDK
 * exporters (gRPC over TLS, HTTPS) trusting the test's own certificate send with a bearer token.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsIT {
  @TempDir static Path dir;
  TestServer server;
  Path certFile;
  byte[] certPem;
  HttpClient https;
  String ingest;
  String read;

  @BeforeAll
  void start() throws Exception {
    certFile = dir.resolve("cert.pem");
    Path keyFile = dir.resolve("key.pem");
    selfSigned(dir.resolve("ks.p12"), certFile, keyFile);
    certPem = Files.readAllBytes(certFile);
    Path authFile = dir.resolve("tokens.json");
    ingest = TokenFile.create(authFile, "ci", "acme", Set.of(Role.INGEST)).token();
    read = TokenFile.create(authFile, "ui", "acme", Set.of(Role.READ)).token();
    server =
        TestServer.start(
            dir.resolve("data"),
            "auth-file",
            authFile.toString(),
            "tls-cert",
            certFile.toString(),
            "tls-key",
            keyFile.toString());
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(certFile)) {
      trust.setCertificateEntry(
          "sightline",
          java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, tmf.getTrustManagers(), null);
    https = HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterAll
  void stop() {
    if (server != null) server.close();
  }

  /** A key pair for localhost and 127.0.0.1 from the JDK's keytool, written as PEM files. */
  static void selfSigned(Path keystore, Path certPem, Path keyPem) throws Exception {
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                "sightline",
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-dname",
                "CN=localhost",
                "-ext",
                "SAN=dns:localhost,ip:127.0.0.1",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                keystore.toString(),
                "-storepass",
                "changeit",
                "-keypass",
                "changeit")
            .redirectErrorStream(true)
            .start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(output).isZero();
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      ks.load(in, "changeit".toCharArray());
    }
    Certificate cert = ks.getCertificate("sightline");
    Files.writeString(certPem, pem("CERTIFICATE", cert.getEncoded()));
    Files.writeString(
        keyPem, pem("PRIVATE KEY", ks.getKey("sightline", "changeit".toCharArray()).getEncoded()));
  }

  static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  String api() {
    return "https://localhost:" + server.server.httpPort();
  }

  HttpResponse<String> get(String url, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
    if (token != null) b.header("Authorization", "Bearer " + token);
    return https.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void sdkExportersOverTlsWithABearerToken() throws Exception {
    String grpc = "https://localhost:" + server.server.otlpGrpcPort();
    String http = "https://localhost:" + server.server.otlpHttpPort();
    assertThat(SdkAuth.exportOneSpan("grpc", grpc, "tls-grpc", ingest, certPem)).isTrue();
    assertThat(SdkAuth.exportOneSpan("http", http, "tls-http", ingest, certPem)).isTrue();
    assertThat(SdkAuth.exportOneSpan("grpc", grpc, "tls-grpc-bad", read, certPem)).isFalse();
    assertThat(SdkAuth.exportOneSpan("http", http, "tls-http-bad", "sl_x", certPem)).isFalse();
    SdkAuth.exportWithAutoconfigure("grpc", grpc, "tls-auto-grpc", ingest, certFile);
    SdkAuth.exportWithAutoconfigure("http/protobuf", http, "tls-auto-http", ingest, certFile);

    HttpResponse<String> services = get(api() + "/api/v1/services", read);
    assertThat(services.statusCode()).isEqualTo(200);
    assertThat(services.body())
        .contains("\"tls-grpc\"", "\"tls-http\"", "\"tls-auto-grpc\"", "\"tls-auto-http\"")
        .doesNotContain("-bad");
    assertThat(get(api() + "/api/v1/services", null).statusCode()).isEqualTo(401);
    assertThat(
            get("https://127.0.0.1:" + server.server.otlpHttpPort() + "/healthz", null)
                .statusCode())
        .isEqualTo(200);
  }

  @Test
  void theSessionCookieIsSecureUnderTls() throws Exception {
    HttpResponse<String> login =
        https.send(
            HttpRequest.newBuilder(URI.create(api() + "/api/v1/session"))
                .header("X-Sightline-Client", "ui")
                .POST(HttpRequest.BodyPublishers.ofString("{\"token\": \"" + read + "\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(login.statusCode()).isEqualTo(204);
    assertThat(login.headers().firstValue("Set-Cookie").orElseThrow()).contains("Secure");
  }

  @Test
  void anUnusableKeyStopsTheStartNamingBothOptions() throws Exception {
    Path notPem = Files.writeString(dir.resolve("not.pem"), "not a key");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                TestServer.start(
                    dir.resolve("bad-tls"),
                    "tls-cert",
                    certFile.toString(),
                    "tls-key",
                    notPem.toString()))
        .hasMessageContaining("cannot use --tls-cert " + certFile)
        .hasMessageContaining("--tls-key " + notPem);
    assertThat(dir.resolve("bad-tls")).as("nothing opened").doesNotExist();
  }

  @Test
  void plainTextIsNotServed() {
    for (int port :
        List.of(
            server.server.httpPort(), server.server.otlpHttpPort(), server.server.otlpGrpcPort())) {
      boolean answered;
      try {
        HttpResponse<String> r =
            TestServer.HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz"))
                    .timeout(Duration.ofSeconds(5))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        answered = r.statusCode() == 200;
      } catch (Exception e) {
        answered = false;
      }
      assertThat(answered).as("plain HTTP on port %d", port).isFalse();
    }
  }
}
