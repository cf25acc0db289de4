package dev.sightline.example.shop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code ./sightline demo} as a user runs it: the launcher starts the server and the shop on free
 * ports, the shop's services show up in the API, and then the demo is stopped the ways it is
 * stopped in practice (Ctrl-C in a terminal, SIGINT or SIGTERM to the launcher) or loses its
 * server. Each way must end the launcher within a bound, leave no process behind and free every
 * port, with the server logging its shutdown. It needs the server's and the shop's jars, which the
 * reactor builds before this module's integration tests (the shop's pom depends on sightline-server
 * for that order).
 */
class DemoLauncherIT {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(150);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(45);
  private static final List<String> SERVICES =
      List.of("frontend", "order", "inventory", "payment", "shipping");
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /** How the demo ends. */
  enum Ending {
    /** A terminal's Ctrl-C: SIGINT to the whole foreground process group. */
    CTRL_C_TO_THE_GROUP(130),
    /** SIGINT to the launcher only. */
    SIGINT_TO_THE_LAUNCHER(130),
    /** SIGTERM to the launcher only (a supervisor, {@code kill PID}). */
    SIGTERM_TO_THE_LAUNCHER(143),
    /** The server dies by itself (SIGKILL): the launcher stops the shop and fails. */
    SERVER_DIES(1);

    final int exitStatus;

    Ending(int exitStatus) {
      this.exitStatus = exitStatus;
    }
  }

  private static final Random RANDOM = new Random();
  private static final Set<Integer> USED = new HashSet<>();

  @TempDir Path temp;

  @ParameterizedTest
  @EnumSource(Ending.class)
  void theDemoStopsCleanly(Ending ending) throws Exception {
    // the ports are picked free, then bound by other processes: on a busy machine another
    // process can take one in between; that start is retried on new ports (twice at most)
    for (int attempt = 1; ; attempt++) {
      try {
        demoStopsCleanly(ending);
        return;
      } catch (PortTaken e) {
        if (attempt == 3) throw e;
      }
    }
  }

  /** The launcher exited at start because a port picked for it was taken meanwhile. */
  private static final class PortTaken extends AssertionError {
    private static final long serialVersionUID = 1L;

    PortTaken(String message) {
      super(message);
    }
  }

  private void demoStopsCleanly(Ending ending) throws Exception {
    Path root = repositoryRoot();
    assertThat(root.resolve("sightline-server/target/sightline-server.jar"))
        .as("the server jar (mvn package -pl sightline-server -am)")
        .exists();
    assertThat(root.resolve("examples/shop/target/lib")).as("the shop's classpath").exists();
    if (ending != Ending.SIGTERM_TO_THE_LAUNCHER && ending != Ending.SERVER_DIES) {
      // a launcher started with SIGINT ignored (as a background job of a script) cannot trap it
      assumeThat(supportsDefaultSignal()).as("env --default-signal (coreutils 8.31+)").isTrue();
    }
    boolean group = ending == Ending.CTRL_C_TO_THE_GROUP;
    if (group) assumeThat(commandWorks("setsid", "true")).as("setsid").isTrue();

    int api = freePort();
    int otlpHttp = freePort();
    int otlpGrpc = freePort();
    int admin = freePort();
    Path dataDir = temp.resolve("data");
    Path log =
        Files.createDirectories(root.resolve("examples/shop/target/demo-it"))
            .resolve(ending.name().toLowerCase() + ".log");

    List<String> command = new ArrayList<>();
    if (group) command.add("setsid"); // its own process group, as a terminal's foreground job
    if (supportsDefaultSignal()) command.addAll(List.of("env", "--default-signal=INT"));
    command.addAll(List.of(root.resolve("sightline").toString(), "demo", "--rate", "2"));
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .directory(temp.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("SIGHTLINE_") || k.startsWith("OTEL_"));
    env.put("SIGHTLINE_SKIP_BUILD", "1"); // the reactor built the jars; no Maven inside Maven
    env.put("SIGHTLINE_DEMO_HTTP", "127.0.0.1:" + api);
    env.put("SIGHTLINE_DEMO_OTLP_HTTP", "127.0.0.1:" + otlpHttp);
    env.put("SIGHTLINE_DEMO_OTLP_GRPC", "127.0.0.1:" + otlpGrpc);
    env.put("SIGHTLINE_DEMO_SHOP_PORT", "0");
    env.put("SIGHTLINE_DEMO_ADMIN_PORT", String.valueOf(admin));
    env.put("SIGHTLINE_DEMO_DATA_DIR", dataDir.toString());
    env.put("SIGHTLINE_JAVA_OPTS", "-Xmx384m");
    env.put("SIGHTLINE_STORAGE_MEMORY_LIMIT", "256MB");
    env.put("SIGHTLINE_STORAGE_THREADS", "1");
    env.put("JAVA_OPTS", "-Xmx256m");
    env.put("OTEL_BSP_SCHEDULE_DELAY", "500");

    Process launcher = pb.start();
    List<ProcessHandle> descendants = List.of();
    try {
      String base = "http://127.0.0.1:" + api;
      awaitCondition(
          "the shop's five services in " + base + "/api/v1/services",
          START_TIMEOUT,
          launcher,
          log,
          () -> {
            Optional<String> body = get(base + "/api/v1/services");
            return body.isPresent()
                && SERVICES.stream().allMatch(s -> body.get().contains("\"name\":\"" + s + "\""));
          });
      descendants = launcher.descendants().collect(Collectors.toList());
      ProcessHandle server = javaProcess(descendants, "sightline-server.jar", log);
      ProcessHandle shop = javaProcess(descendants, "ShopApplication", log);
      assertThat(shop.info().commandLine().orElse("")).contains("--admin-port " + admin);

      switch (ending) {
        case CTRL_C_TO_THE_GROUP -> kill("-INT", "--", "-" + launcher.pid());
        case SIGINT_TO_THE_LAUNCHER -> kill("-INT", String.valueOf(launcher.pid()));
        case SIGTERM_TO_THE_LAUNCHER -> kill("-TERM", String.valueOf(launcher.pid()));
        case SERVER_DIES -> kill("-KILL", String.valueOf(server.pid()));
      }

      assertThat(launcher.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS))
          .as("launcher exits within %s; log:%n%s", STOP_TIMEOUT, tail(log))
          .isTrue();
      assertThat(launcher.exitValue())
          .as("exit status; log:%n%s", tail(log))
          .isEqualTo(ending.exitStatus);
      List<ProcessHandle> all = descendants;
      awaitCondition(
          "every process the demo started to be gone: " + all,
          Duration.ofSeconds(5),
          null,
          log,
          () -> all.stream().noneMatch(ProcessHandle::isAlive));
      assertThat(
              ProcessHandle.allProcesses()
                  .filter(
                      p -> {
                        String cmd = p.info().commandLine().orElse("");
                        return cmd.contains(dataDir.toString())
                            || cmd.contains("--admin-port " + admin)
                            || cmd.contains(root + "/pom.xml"); // a Maven build of the shop
                      })
                  .collect(Collectors.toList()))
          .as("processes of this demo still running")
          .isEmpty();
      for (int port : new int[] {api, otlpHttp, otlpGrpc, admin}) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
          assertThat(s.getLocalPort()).isEqualTo(port);
        }
      }

      String output = Files.readString(log);
      assertThat(output).contains("sightline demo: stopped");
      if (ending == Ending.SERVER_DIES) {
        assertThat(output).contains("the server exited by itself");
        // its flush has no server to go to: it may need the stop timeout, and then is killed
        assertThat(output).containsAnyOf("shop: stopped", "the shop did not stop within");
      } else {
        assertThat(output)
            .contains("shop: stopped")
            .contains("shutting down: stopping SLO evaluation")
            .contains("shutting down: stopping listeners")
            .contains("shutting down: storage closed")
            .doesNotContain("killing it");
        // the shop is stopped (and flushes) before the server
        assertThat(output.indexOf("shop: stopped"))
            .isLessThan(output.indexOf("shutting down: storage closed"));
      }
    } finally {
      for (ProcessHandle p : descendants) p.destroyForcibly();
      launcher.destroyForcibly();
    }
  }

  private static ProcessHandle javaProcess(List<ProcessHandle> processes, String marker, Path log)
      throws IOException {
    return processes.stream()
        .filter(p -> p.info().commandLine().orElse("").contains(marker))
        .findFirst()
        .orElseThrow(
            () ->
                new AssertionError(
                    "no process running "
                        + marker
                        + " among the launcher's descendants "
                        + processes.stream()
                            .map(p -> p.pid() + " " + p.info().commandLine().orElse("?"))
                            .collect(Collectors.toList())
                        + "; log:\n"
                        + tailUnchecked(log)));
  }

  private static void kill(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("kill"));
    command.addAll(List.of(args));
    Process kill = new ProcessBuilder(command).inheritIO().start();
    assertThat(kill.waitFor(60, TimeUnit.SECONDS)).isTrue(); // exec can stall on a busy machine
    assertThat(kill.exitValue()).as(String.join(" ", command)).isZero();
  }

  private static boolean supportsDefaultSignal() {
    return commandWorks("env", "--default-signal=INT", "true");
  }

  private static boolean commandWorks(String... command) {
    try {
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Polls {@code condition} until it holds; fails early when {@code process} has exited. */
  private static void awaitCondition(
      String what, Duration timeout, Process process, Path log, BooleanSupplier condition)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (process != null && !process.isAlive()) {
        String tail = tail(log);
        if (tail.contains("Address already in use")) {
          throw new PortTaken("a port was taken before the demo bound it; log:\n" + tail);
        }
        throw new AssertionError(
            "waiting for "
                + what
                + ": the launcher exited with "
                + process.exitValue()
                + "; log:\n"
                + tail(log));
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no " + what + " within " + timeout + "; log:\n" + tail(log));
      }
      Thread.sleep(200);
    }
  }

  private static Optional<String> get(String url) {
    try {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
              HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? Optional.of(r.body()) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  private static String tail(Path log) throws IOException {
    List<String> lines = Files.readAllLines(log);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
  }

  private static String tailUnchecked(Path log) {
    try {
      return tail(log);
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  /**
   * A free port below the kernel's ephemeral range: a port from that range (what binding port 0
   * gives) can be taken by any outgoing connection, and the shop makes many, before the launcher's
   * processes bind it.
   */
  private static int freePort() throws IOException {
    int low = 32768;
    Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    if (Files.isReadable(range)) {
      low = Integer.parseInt(Files.readString(range).trim().split("\\s+")[0]);
    }
    for (int attempt = 0; attempt < 200 && low > 20_000; attempt++) {
      int port = 20_000 + RANDOM.nextInt(low - 20_000);
      if (USED.contains(port)) continue;
      try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        USED.add(port);
        return port;
      } catch (IOException e) {
        // taken: try another
      }
    }
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** The repository root: failsafe runs in the module folder, examples/shop. */
  private static Path repositoryRoot() {
    Path dir = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
    for (Path p = dir.toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("sightline"))
          && Files.isDirectory(p.resolve("sightline-server"))) {
        return p;
      }
    }
    throw new IllegalStateException("no repository root above " + dir);
  }
}
