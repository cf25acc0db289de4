package dev.sightline.example.dice;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Runs the dice service as its own JVM, as {@code run} does, with the default console exporters:
 * after one request, SIGINT must stop it and flush the metrics (whose 10 s export interval has not
 * elapsed) before it exits.
 */
class DiceProcessTest {
  private static final Pattern LISTENING = Pattern.compile("listening on http://localhost:(\\d+)/");

  @Test
  void sigintFlushesAllSignalsAndExits() throws Exception {
    Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
    List<String> command = new ArrayList<>();
    // a test run started in the background (nohup, CI runners) inherits SIGINT ignored, and a JVM
    // started with SIGINT ignored keeps ignoring it: give the child the default disposition back
    if (defaultSignalSupported()) command.addAll(List.of("env", "--default-signal=INT"));
    command.addAll(
        List.of(
            java.toString(),
            "-cp",
            System.getProperty("java.class.path"),
            DiceApplication.class.getName(),
            "--port",
            "0"));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().keySet().removeIf(k -> k.startsWith("OTEL_") || k.equals("PORT"));
    builder.environment().put("OTEL_RESOURCE_ATTRIBUTES", "service.version=0.1.0-test");
    Process process = builder.start();
    List<String> output = new CopyOnWriteArrayList<>();
    CompletableFuture<Integer> port = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                  output.add(line);
                  Matcher m = LISTENING.matcher(line);
                  if (m.find()) {
                    port.complete(Integer.parseInt(m.group(1)));
                  }
                }
              } catch (IOException e) {
                port.completeExceptionally(e);
              }
              port.completeExceptionally(new IllegalStateException("exited: " + output));
            });
    reader.start();
    try {
      int p = port.get(60, TimeUnit.SECONDS);
      HttpResponse<String> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p + "/rolldice/Bob"))
                      .timeout(Duration.ofSeconds(10))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);

      Process kill = new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start();
      // generous: on a shared machine under disk writeback even exec can stall for seconds
      assertThat(kill.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("exited after SIGINT").isTrue();
      reader.join(5_000);
    } finally {
      process.destroyForcibly();
    }

    String all = String.join("\n", output);
    // 130 = terminated by SIGINT after the shutdown hooks ran (the JVM's convention)
    assertThat(process.exitValue()).as(all).isEqualTo(130);
    assertThat(all)
        .contains("span 'roll' trace=")
        .contains("span 'GET /rolldice/{player}' trace=")
        .contains("log INFO 'Bob is rolling the dice' trace=")
        .contains("service.version=\"0.1.0-test\""); // OTEL_RESOURCE_ATTRIBUTES honoured
    // the metric export interval (10 s) has not elapsed: only the shutdown flush exports them
    int stopping = all.indexOf("dice: stopping, flushing telemetry");
    assertThat(stopping).isNotNegative();
    assertThat(all.indexOf("metric dice.rolls {roll} LONG_SUM scope=rolldice"))
        .isGreaterThan(stopping);
  }

  /** Whether coreutils' {@code env} can reset a signal's disposition (coreutils 8.31 and later). */
  private static boolean defaultSignalSupported() {
    try {
      Process p =
          new ProcessBuilder("env", "--default-signal=INT", "true")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
